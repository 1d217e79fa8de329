"""`python -m core.demo`."""

import sys

from core.demo.cli import main

sys.exit(main())
