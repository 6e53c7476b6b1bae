"""``python -m valueshare``: see valueshare.cli."""

import os
import sys

from valueshare.cli import main

try:
    sys.exit(main())
except BrokenPipeError:
    # The reader stopped early (``... | head``): not an error of ours. Point stdout at nothing so that Python's
    # own flush at exit does not complain again.
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(0)
