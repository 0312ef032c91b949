"""``python -m insiderbench``."""

from insiderbench.cli import main

main()
