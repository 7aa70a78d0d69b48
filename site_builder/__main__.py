"""``python -m site_builder``: see :mod:`site_builder.cli`."""

import sys

from .cli import main

sys.exit(main())
