"""``python -m valueshare``: see valueshare.cli."""

import sys

from valueshare.cli import main

sys.exit(main())
