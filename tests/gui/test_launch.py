"""Start-up order: Qt's own messages are routed to the Python log before the QApplication exists."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.gui


def test_qt_messages_are_routed_before_the_application_is_created(monkeypatch: pytest.MonkeyPatch) -> None:
    import app.config.logs as logs
    import app.gui.launch as launch

    order: list[str] = []

    class Stop(Exception):
        pass

    def install() -> Any:
        order.append("handler")
        return lambda: order.append("uninstalled")

    def make_app() -> Any:
        order.append("application")
        raise Stop

    monkeypatch.setattr(logs, "install_qt_message_handler", install)
    monkeypatch.setattr(launch, "make_app", make_app)
    with pytest.raises(Stop):
        launch.run_gui(demo=False)
    assert order == ["handler", "application", "uninstalled"]  # not left installed when start-up fails
