"""`python -m opmap`: the same command line as `opmap`."""

import sys

from opmap.cli import main

sys.exit(main())
