"""The composition root: builds the server link, the core session and the windows on one qasync loop.

`run(args)` is what `sety-console` does without a subcommand. Nothing outside this package (and
`cli.py`) wires objects together; `ui/` only builds widgets.
"""

from .console import prepare_qt_environment, run

__all__ = ["prepare_qt_environment", "run"]
