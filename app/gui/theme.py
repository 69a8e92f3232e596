"""Colours, icons and the dark/light palette (following the OS colour scheme through QStyleHints)."""

from __future__ import annotations

import os
from functools import cache

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from app.resources import resource_path

SCHEME_ENV = "LABSYNC_COLOR_SCHEME"  # "dark" or "light" overrides the OS (and lets screenshots show both)


def color_scheme() -> Qt.ColorScheme:
    forced = os.environ.get(SCHEME_ENV, "").strip().lower()
    if forced == "dark":
        return Qt.ColorScheme.Dark
    if forced == "light":
        return Qt.ColorScheme.Light
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() if hints is not None else Qt.ColorScheme.Unknown


def is_dark() -> bool:
    scheme = color_scheme()
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    app = QCoreApplication.instance()
    if isinstance(app, QApplication):
        return app.palette().color(QPalette.ColorRole.Window).lightness() < 128
    return False


def severity_background(severity: str) -> QColor:
    """Cell tint: strong enough to see at a glance, light enough to read the value on top."""
    dark = is_dark()
    if severity == "error":
        return QColor("#5c2626") if dark else QColor("#fbd5d2")
    if severity == "warning":
        return QColor("#5a4a17") if dark else QColor("#fdf0c4")
    return QColor()


def severity_foreground(severity: str) -> QColor:
    if severity == "error":
        return QColor("#ff8a80") if is_dark() else QColor("#b3261e")
    if severity == "warning":
        return QColor("#ffd54f") if is_dark() else QColor("#8a5a00")
    return QColor()


@cache
def icon(name: str) -> QIcon:
    """An icon from resources/icons (SVG, so it stays sharp at any device pixel ratio)."""
    path = resource_path("icons", f"{name}.svg")
    return QIcon(str(path)) if path.is_file() else QIcon()


def action_icon(name: str, theme_name: str) -> QIcon:
    """A toolbar icon: the desktop's icon theme when it has ``theme_name`` (it follows the desktop's light
    or dark look), else ``resources/icons/action-<name>.svg`` drawn in the palette's text colour, so it
    stays visible in dark mode (call again after a colour-scheme change)."""
    if QIcon.hasThemeIcon(theme_name):
        return QIcon.fromTheme(theme_name)
    path = resource_path("icons", f"action-{name}.svg")
    if not path.is_file():
        return QIcon()
    from PySide6.QtCore import QByteArray, QRectF
    from PySide6.QtGui import QPainter, QPixmap
    from PySide6.QtSvg import QSvgRenderer

    svg = path.read_text(encoding="utf-8")
    palette = QApplication.palette()
    result = QIcon()
    for mode, group in (
        (QIcon.Mode.Normal, QPalette.ColorGroup.Active),
        (QIcon.Mode.Disabled, QPalette.ColorGroup.Disabled),
    ):
        color = palette.color(group, QPalette.ColorRole.ButtonText).name()
        renderer = QSvgRenderer(QByteArray(svg.replace("#000000", color).encode("utf-8")))
        for size in (16, 24, 32, 48):
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            renderer.render(painter, QRectF(0, 0, size, size))
            painter.end()
            result.addPixmap(pixmap, mode)
    return result


def dark_palette() -> QPalette:
    palette = QPalette()
    window = QColor(45, 45, 48)
    base = QColor(30, 30, 32)
    text = QColor(230, 230, 230)
    disabled = QColor(127, 127, 127)
    palette.setColor(QPalette.ColorRole.Window, window)
    palette.setColor(QPalette.ColorRole.WindowText, text)
    palette.setColor(QPalette.ColorRole.Base, base)
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor(38, 38, 41))
    palette.setColor(QPalette.ColorRole.ToolTipBase, QColor(60, 60, 64))
    palette.setColor(QPalette.ColorRole.ToolTipText, text)
    palette.setColor(QPalette.ColorRole.Text, text)
    palette.setColor(QPalette.ColorRole.Button, window)
    palette.setColor(QPalette.ColorRole.ButtonText, text)
    palette.setColor(QPalette.ColorRole.BrightText, QColor(255, 80, 80))
    palette.setColor(QPalette.ColorRole.Link, QColor(100, 170, 255))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(42, 110, 187))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor(255, 255, 255))
    palette.setColor(QPalette.ColorRole.PlaceholderText, disabled)
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def apply_color_scheme(app: QApplication) -> None:
    """Use the Fusion style with a dark palette when the OS is in dark mode; the native look otherwise.

    Native styles on Windows 11 and macOS already follow the scheme; Fusion (Linux, offscreen) needs the
    palette.
    """
    dark = color_scheme() == Qt.ColorScheme.Dark
    if dark and app.style().name().lower() in {"fusion", "windows"}:
        app.setPalette(dark_palette())
    elif not dark and app.style().name().lower() == "fusion":
        app.setPalette(app.style().standardPalette())


def follow_color_scheme(app: QApplication) -> None:
    apply_color_scheme(app)
    hints = app.styleHints()
    if hints is not None:
        hints.colorSchemeChanged.connect(lambda _scheme: apply_color_scheme(app))
