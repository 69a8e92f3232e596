"""The exception tree shared by the core, the CLI and the GUI.

LabSyncError
 +-- UserError            bad input or usage the user can fix; exit code 2, one line, no traceback
 |    +-- InputFileError  a file LabSync cannot read (names the file, and the row when known)
 |    +-- ConfigError     invalid configuration (names the file, key and problem)
 |    +-- UnlockError     the workspace cannot be unlocked (wrong key or passphrase)
 +-- SyncError            the portal could not be reached or refused us (see app.sync)

Messages never contain secrets or record contents beyond the offending value.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_USAGE = 2


class LabSyncError(Exception):
    """Base of every error LabSync raises on purpose."""

    exit_code: int = EXIT_USAGE


class UserError(LabSyncError):
    """A problem the user can fix; shown as one line, exit code 2."""


class InputFileError(UserError):
    """A file that cannot be read: unreadable, hostile, too large, or not what its name says."""

    def __init__(self, path: object, problem: str, *, row: int | None = None) -> None:
        where = f"{path}" if row is None else f"{path}, row {row}"
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.problem = problem
        self.row = row


class ConfigError(UserError):
    """Invalid configuration, naming the file, the key and the problem."""


class UnlockError(UserError):
    """The workspace cannot be unlocked."""

    def __init__(self) -> None:
        super().__init__("cannot unlock the workspace: wrong passphrase or key")


class SyncError(LabSyncError):
    """The portal could not be reached, or refused the client's credentials."""
