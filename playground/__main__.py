"""``python -m playground`` does what the ``playground`` command does."""

import sys

from playground.cli import main

if __name__ == "__main__":
    sys.exit(main())
