"""The self-contained HTML report: setup, rates, figures, contrasts, flags and examples."""

from insiderbench.report._build import write_report
from insiderbench.report._examples import highlight, pick_examples, render_examples

__all__ = ["highlight", "pick_examples", "render_examples", "write_report"]
