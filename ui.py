"""Launches the web UI from a checkout: ``python ui.py [--host H] [--port P] [--index DIR] [--auth user:pass]``.

The app itself is ``assistant.app`` (also ``assistant serve``); this file only starts it.
"""

import sys

from assistant.app import main

if __name__ == "__main__":
    sys.exit(main())
