"""`python -m core.importer`."""

import sys

from core.importer.loader import main

sys.exit(main())
