"""Typed settings with a documented precedence, logging setup, and crash reports (no Qt in here).

- ``app.config.settings``: ``load_settings(cli_overrides=None) -> Settings``; ``Settings.source_of(key)``;
  ``save_user_setting(key, value)`` for the GUI. Precedence: built-in < site < user < environment <
  command line, with keys the site file locks.
- ``app.config.logs``: ``setup_logging(debug)``, the redaction filter, ``install_qt_message_handler()``.
- ``app.config.crash``: ``write_crash_report(exc) -> Path`` and ``format_crash_report(exc) -> str``.
"""
