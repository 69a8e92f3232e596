"""The ``labsync`` command line: a thin layer over the core packages."""
