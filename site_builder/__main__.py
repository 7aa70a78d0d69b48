"""``python -m site_builder``: see :mod:`site_builder.commands.cli`."""

import sys

from site_builder.commands.cli import main

sys.exit(main())
