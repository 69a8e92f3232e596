"""One module per command (or command group).

Each module defines ``register(subparsers) -> None`` that adds its parser(s) and sets ``func=handler`` via
``set_defaults``; a handler takes the parsed ``argparse.Namespace`` and returns an exit code. Modules are
listed in ``COMMAND_MODULES`` (so frozen builds find them too).
"""

COMMAND_MODULES: tuple[str, ...] = (
    "validate",
    "workspace",
    "batches",
    "audit",
    "sync",
    "portal",
    "config",
)
