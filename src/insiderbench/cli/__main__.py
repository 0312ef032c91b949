"""``python -m insiderbench.cli``."""

from insiderbench.cli import main

main()
