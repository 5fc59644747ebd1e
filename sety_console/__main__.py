"""`python -m sety_console` is the `sety-console` command."""

from sety_console.cli import main

raise SystemExit(main())
