"""`python -m core.importer`."""

import sys

from core.importer.cli import main

sys.exit(main())
