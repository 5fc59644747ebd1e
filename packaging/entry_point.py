"""Start-up script of the frozen bundle: the same `sety-console` command as the installed package."""

import sys

from sety_console.cli import main

if __name__ == "__main__":
    sys.exit(main())
