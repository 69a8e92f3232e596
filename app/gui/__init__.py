"""The PySide6 desktop app: views and controllers on top of the core (no business logic here).

Entry point: :func:`app.gui.launch.run_gui` (``labsync`` and ``labsync --demo``). Threading: one
background-job primitive (:mod:`app.gui.jobs`); every workspace write runs on its one DB thread
(:mod:`app.gui.service`).
"""
