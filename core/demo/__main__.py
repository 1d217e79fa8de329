"""`python -m core.demo`."""

import sys

from core.demo.loader import main

sys.exit(main())
