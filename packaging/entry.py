"""Entry point of the frozen ``labsync`` executable (PyInstaller analyses this file).

It is the same ``app.cli.main:main`` the ``labsync`` console script runs: the CLI, and the desktop app when no
command is given.
"""

import multiprocessing
import sys

from app.cli.main import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a no-op unless something starts a multiprocessing child in the bundle
    sys.exit(main())
