"""Render the main screens of the desktop app to docs/screenshots/*.png (``make screenshots``).

Runs the real app on a throwaway workspace with the reference portal on loopback, with the system's real
fonts. The data is a seeded chemical inventory with the mistakes lab managers really make, imported three
times as it gets better (so the dashboard has a trend), then submitted and synced.

Where it draws (``--platform``):

* ``auto`` (the default): a private Xvfb X server started with ``xvfb-run`` (even on a desktop, whose
  other windows could cover the app), so the pictures are what the xcb platform really puts on a screen
  (tooltips as real windows, taken from the screen); without xvfb-run, the desktop's X server (widgets
  rendered into pixmaps), else offscreen. ``QT_QPA_PLATFORM=offscreen`` in the environment (``make
  screenshots`` sets it) does not prevent it.
* ``xvfb``: as ``auto``, but fail rather than fall back to offscreen; ``offscreen``: Qt's offscreen platform.

    python docs/make_screenshots.py [--platform auto|xvfb|offscreen] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import sys
from pathlib import Path
from typing import Any

_UNDER_XVFB = "_LABSYNC_SHOTS_UNDER_XVFB"
SCREEN = "1600x1000x24"


def _choose_platform(wanted: str) -> None:
    """Set QT_QPA_PLATFORM, re-running this script under ``xvfb-run`` when a real X server is wanted and
    there is none. Returns only when this process is the one that takes the pictures."""
    if wanted == "offscreen":
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return
    if os.environ.get(_UNDER_XVFB):
        os.environ["QT_QPA_PLATFORM"] = "xcb"
        return
    runner = shutil.which("xvfb-run")
    if runner is None:
        if os.environ.get("DISPLAY"):  # a desktop's X server: real xcb widgets, rendered (not grabbed from
            os.environ["QT_QPA_PLATFORM"] = "xcb"  # a screen other windows may cover)
            return
        if wanted == "xvfb":
            sys.exit("make_screenshots: no X server (DISPLAY unset) and no xvfb-run; apt-get install xvfb")
        print("make_screenshots: no X server and no xvfb-run; rendering offscreen", file=sys.stderr)
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return
    env = {**os.environ, _UNDER_XVFB: "1", "QT_QPA_PLATFORM": "xcb"}
    cmd = [runner, "-a", "-s", f"-screen 0 {SCREEN} -nolisten tcp", sys.executable, *sys.argv]
    print("make_screenshots: under", " ".join(cmd[:5]), file=sys.stderr)
    import subprocess

    sys.exit(subprocess.call(cmd, env=env))


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"

CHEMICALS = [
    ("Acetone", "67-64-1", "H225;H319;H336", "liquid", "L"),
    ("Ethanol, absolute", "64-17-5", "H225;H319", "liquid", "L"),
    ("Methanol", "67-56-1", "H225;H301;H311;H331;H370", "liquid", "L"),
    ("Toluene", "108-88-3", "H225;H304;H315;H336;H361d;H373", "liquid", "mL"),
    ("Sodium chloride", "7647-14-5", "", "solid", "kg"),
    ("Hydrochloric acid 37%", "7647-01-0", "H290;H314;H335", "liquid", "L"),
    ("Sodium hydroxide", "1310-73-2", "H290;H314", "solid", "g"),
    ("Dichloromethane", "75-09-2", "H315;H319;H336;H351", "liquid", "L"),
    ("Chloroform", "67-66-3", "H302;H315;H319;H331;H336;H351;H361d;H372", "liquid", "mL"),
    ("Hexanes", "110-54-3", "H225;H304;H315;H336;H361f;H373;H411", "liquid", "L"),
    ("Isopropanol", "67-63-0", "H225;H319;H336", "liquid", "L"),
    ("Sulfuric acid 98%", "7664-93-9", "H290;H314", "liquid", "L"),
    ("Acetonitrile", "75-05-8", "H225;H302;H312;H319;H332", "liquid", "L"),
    ("Tris base", "77-86-1", "H315;H319;H335", "solid", "g"),
    ("Agarose", "9012-36-6", "", "solid", "g"),
    ("Nitrogen, compressed", "7727-37-9", "H280", "gas", "L"),
]
PIS = ["Nguyen", "Okafor", "Bergström", "Castillo", "Whitfield"]
BUILDINGS = [("Hall Chemistry", ["101", "103", "210", "214"]), ("Life Sciences", ["B12", "2.041", "2.045"])]
HEADERS = [
    "Container ID",
    "Chemical Name",
    "CAS Number",
    "Quantity",
    "Units",
    "Physical State",
    "Building",
    "Room",
    "Storage Location",
    "PI Name",
    "Hazard Codes",
    "SDS Reference",
    "Date Received",
    "Expiration Date",
]


def make_inventory(path: Path, rows: int, error_rate: float, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        for i in range(rows):
            name, cas, hazards, state, unit = rng.choice(CHEMICALS)
            building, rooms = rng.choice(BUILDINGS)
            row = {
                "Container ID": f"HC-{10450 + i:05d}",
                "Chemical Name": name,
                "CAS Number": cas,
                "Quantity": str(rng.choice([0.5, 1, 2, 2.5, 4, 5, 10, 25, 100, 500])),
                "Units": unit,
                "Physical State": state,
                "Building": building,
                "Room": rng.choice(rooms),
                "Storage Location": rng.choice(
                    ["Flammables cabinet", "Acid cabinet", "Shelf 3", "Cold room", "Fume hood 2"]
                ),
                "PI Name": rng.choice(PIS),
                "Hazard Codes": hazards,
                "SDS Reference": f"SDS-{cas}" if hazards else "",
                "Date Received": f"20{rng.randint(21, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "Expiration Date": f"20{rng.randint(27, 30)}-{rng.randint(1, 12):02d}-01",
            }
            if rng.random() < error_rate:
                mistake = rng.choice(["cas", "unit", "qty", "sds", "room", "future", "dup", "ghs", "expired"])
                if mistake == "cas":
                    row["CAS Number"] = cas[:-1] + str((int(cas[-1]) + 3) % 10)
                elif mistake == "unit":
                    row["Units"] = rng.choice(["bottles", "jugs", "ea"])
                elif mistake == "qty":
                    row["Quantity"] = rng.choice(["-1", "0", "two"])
                elif mistake == "sds" and hazards:
                    row["SDS Reference"] = rng.choice(["", "N/A", "TBD"])
                elif mistake == "room":
                    row["Room"] = ""
                elif mistake == "future":
                    row["Date Received"] = "2031-02-30" if rng.random() < 0.3 else "2031-03-01"
                elif mistake == "dup" and i > 3:
                    row["Container ID"] = f"HC-{10450 + i - 2:05d}"
                elif mistake == "ghs" and hazards:
                    row["Hazard Codes"] = hazards.replace("H225", "H2255")
                elif mistake == "expired":
                    row["Expiration Date"] = "2023-06-30"
            w.writerow([row[h] for h in HEADERS])


def main() -> int:
    global OUT
    import tempfile

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--platform", choices=("auto", "xvfb", "offscreen"), default="auto")
    parser.add_argument(
        "--out", type=Path, default=OUT, help="folder for the PNGs (default docs/screenshots)"
    )
    args = parser.parse_args()
    OUT = args.out
    _choose_platform(args.platform)
    os.environ.setdefault("LABSYNC_GUI_NONINTERACTIVE", "1")
    os.environ.setdefault("QT_SCALE_FACTOR", "1")

    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QFont, QFontDatabase

    from app.gui.demo import start_demo
    from app.gui.dialogs import SubmitChoice
    from app.gui.launch import make_app

    OUT.mkdir(parents=True, exist_ok=True)
    from app.config.logs import install_qt_message_handler

    install_qt_message_handler()  # as the app does: Qt's messages go to logging (platform noise dropped)
    app = make_app()
    for family in ("DejaVu Sans", "Liberation Sans", "Noto Sans"):
        if family in QFontDatabase.families():
            font = QFont(family, 10)
            app.setFont(font)
            break
    work = Path(tempfile.mkdtemp(prefix="labsync-shots-"))
    ctx = start_demo(home=work / "home")
    ctx.keep = False
    files = []
    for n, (rate, seed) in enumerate(((0.32, 1), (0.18, 2), (0.09, 3)), start=1):
        path = work / f"hall-chemistry-inventory-v{n}.csv"
        make_inventory(path, 240, rate, seed)
        files.append(path)

    from app.gui.jobs import JobRunner
    from app.gui.main_window import MainWindow
    from app.gui.service import WorkspaceService
    from app.workspace import Workspace

    service = WorkspaceService(Workspace.open, JobRunner())
    window = MainWindow(service, demo=ctx)
    window.resize(1440, 880)
    window.move(0, 0)
    window.show()

    def pump(ms: int = 50) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def wait_for(cond: object, timeout: float = 60.0) -> None:
        import time

        end = time.monotonic() + timeout
        while not cond() and time.monotonic() < end:  # type: ignore[operator]
            pump(30)

    for path in files:
        done: list[object] = []
        window.import_finished.connect(done.append)
        window.open_file(path)
        wait_for(lambda d=done: d)
        window.import_finished.disconnect(done.append)
    pump(200)

    real_screen = app.platformName() == "xcb" and bool(os.environ.get(_UNDER_XVFB))  # our own private screen
    print(f"make_screenshots: Qt platform {app.platformName()}", file=sys.stderr)

    def capture(widget: Any, *, on_top: bool = True) -> Any:
        """On a real X server, what the screen shows where the widget is (tooltips and pop-ups included);
        offscreen, the widget rendered into a pixmap."""
        if not real_screen:
            return widget.grab()
        if on_top:
            widget.raise_()
            pump(150)
        top_left = widget.mapToGlobal(widget.rect().topLeft())
        screen = widget.screen()
        return screen.grabWindow(0, top_left.x(), top_left.y(), widget.width(), widget.height())

    def save(pixmap: Any, name: str) -> None:
        pixmap.save(str(OUT / f"{name}.png"))
        print("wrote", OUT / f"{name}.png")

    def shot(widget: object, name: str) -> None:
        pump(150)
        save(capture(widget), name)

    def shot_with_tooltip(win: Any, name: str) -> None:
        """The window with the current cell's tooltip (code, message, fix, citation) where Qt shows it."""
        from PySide6.QtGui import QPainter
        from PySide6.QtWidgets import QApplication, QToolTip

        grid = win.grid
        if real_screen:
            win.raise_()  # before the tooltip shows: raising the window later would cover it
            pump(100)
        index = grid.currentIndex()
        rect = grid.visualRect(index)
        anchor = grid.viewport().mapToGlobal(rect.center())
        tip_text = index.data(Qt.ItemDataRole.ToolTipRole)
        if real_screen:  # a real tooltip hides when the pointer is not over its cell: put it there
            from PySide6.QtGui import QCursor

            QCursor.setPos(anchor)
            pump(100)
        if tip_text:
            QToolTip.showText(anchor, str(tip_text), grid.viewport(), rect, 60000)
        pump(400)
        pixmap = capture(win, on_top=False)
        tips = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.inherits("QTipLabel")]
        if tips and not real_screen:  # offscreen, the tooltip is its own pixmap: paint it where it shows
            tip = tips[0]
            painter = QPainter(pixmap)
            painter.drawPixmap(win.mapFromGlobal(tip.pos()), tip.grab())
            painter.end()
        QToolTip.hideText()
        save(pixmap, name)

    # 1. grid with violations (problems only is off; scroll to show a mix)
    window.tabs.setCurrentIndex(0)
    first = min(service.reader.batches(), key=lambda b: b.id)  # the first, roughest version
    pos = window.batch_combo.findData(first.id)
    window.batch_combo.setCurrentIndex(pos)
    pump(100)
    window.statusBar().clearMessage()
    window.grid.scrollTo(window.model.index(40, 0))
    window.jump_to_code("CAS_CHECKSUM")
    shot_with_tooltip(window, "grid")
    shot(window.dock, "violations_panel")
    window.only_problems.setChecked(True)
    pump(100)
    shot(window, "grid_problems_only")
    window.only_problems.setChecked(False)

    # 2. mapping dialog for a sheet with unfamiliar headers
    odd = work / "room-214-sheet.csv"
    odd.write_text(
        "Substance,CAS,Qty,UOM,Bldg,Rm,Bench / shelf,Responsible PI,Notes\n"
        "Acetone,67-64-1,4,L,Hall Chemistry,214,Flammables cabinet,Nguyen,opened\n"
        "Toluene,108-88-3,500,mL,Hall Chemistry,214,Fume hood 2,Nguyen,\n"
        "Sodium chloride,7647-14-5,1,kg,Hall Chemistry,214,Shelf 3,Okafor,\n",
        encoding="utf-8",
    )
    from app.gui.importing import inspect_file

    info = inspect_file(odd, None)
    dialog = window.make_mapping_dialog(info)
    dialog.resize(900, 640)
    dialog.show()
    shot(dialog, "mapping_dialog")
    dialog.close()

    # 3. submit the latest (best) batch, sync, then the outbox, quarantine and audit
    last = max(service.reader.batches(), key=lambda b: b.id)
    window.batch_combo.setCurrentIndex(window.batch_combo.findData(last.id))
    pump(100)
    # fix a few cells the way a lab manager would, so the audit log has edits to show
    window.only_problems.setChecked(True)
    pump(100)
    fixes = {"unit": "L", "room": "210", "quantity": "1", "sds_reference": "SDS-on-file"}
    for row in range(min(6, window.model.rowCount())):
        stored = window.model.stored_row(row)
        for v in stored.violations:
            if v.field in fixes:
                index = window.model.index(row, window.model.fields.index(v.field))
                window.model.setData(index, fixes[v.field])
                wait_for(lambda: window.editing.pending == 0, 10)
                break
    window.only_problems.setChecked(False)
    window.ask_submit = lambda valid, invalid: SubmitChoice.NOW  # type: ignore[method-assign]
    synced: list[object] = []
    window.sync.synced.connect(synced.append)
    window.submit()
    wait_for(lambda: synced, 60)
    window.sync.sync_now()
    wait_for(lambda: len(synced) >= 2, 60)
    window.tabs.setCurrentWidget(window.outbox)
    pump(100)
    shot(window, "outbox")
    window.tabs.setCurrentWidget(window.quarantine)
    shot(window, "quarantine")
    window.tabs.setCurrentWidget(window.audit)
    verified: list[object] = []
    window.audit.verified.connect(verified.append)
    window.audit.action.setCurrentIndex(window.audit.action.findData("edit"))
    window.audit.verify.click()
    wait_for(lambda: verified, 30)
    shot(window, "audit")
    window.audit.action.setCurrentIndex(0)
    window.tabs.setCurrentWidget(window.dashboard)
    window.batch_combo.setCurrentIndex(window.batch_combo.findData(first.id))
    window.tabs.setCurrentWidget(window.dashboard)
    window.dashboard.refresh(first.id, window.batch_summaries)
    shot(window, "dashboard")

    # 4. the bundled chemical inventory sample (merged and hidden rows, Excel errors), problems only
    sample = ROOT / "resources" / "samples" / "chemical_inventory.xlsx"
    if sample.is_file():
        from app.gui.importing import ImportRequest

        def accept(info: Any) -> ImportRequest:
            choice = window.make_mapping_dialog(info).choice()
            return ImportRequest(info.path, info.sheet, choice.record_type, choice.mapping)

        window.ask_mapping = accept  # type: ignore[method-assign]
        done_sample: list[object] = []
        window.import_finished.connect(done_sample.append)
        window.tabs.setCurrentIndex(0)
        window.open_file(sample)
        wait_for(lambda: done_sample)
        window.only_problems.setChecked(True)
        pump(200)
        window.statusBar().clearMessage()
        window.jump_to_code("MERGED_CELL")
        shot_with_tooltip(window, "sample_chemical_inventory")
        window.only_problems.setChecked(False)

    # 5. settings (a value locked by IT's site file is read-only and says where it comes from)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def grab_settings() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is not None:
            dialog.resize(720, dialog.sizeHint().height())
            pump(100)
            dialog.grab().save(str(OUT / "settings.png"))
            print("wrote", OUT / "settings.png")
            dialog.reject()

    QTimer.singleShot(300, grab_settings)
    window.open_settings()

    # 5b. the PI attestation form, signed as the identity the portal confirms
    attestation = window.attest()
    wait_for(lambda: attestation.signer.source == "portal", 15)
    attestation.award.setText("R01GM123456")
    attestation.agree.setChecked(True)
    attestation.adjustSize()
    shot(attestation, "attestation")
    attestation.reject()

    # 6. the grid in dark mode (as when the OS is set to dark)
    from app.gui.theme import SCHEME_ENV, apply_color_scheme

    os.environ[SCHEME_ENV] = "dark"  # the offscreen platform has no OS colour scheme to follow
    apply_color_scheme(app)
    window.tabs.setCurrentIndex(0)
    window.batch_combo.setCurrentIndex(window.batch_combo.findData(first.id))
    pump(200)
    window.grid.scrollTo(window.model.index(40, 0))
    window.jump_to_code("VALUE_NOT_ALLOWED")
    window.statusBar().clearMessage()
    shot(window, "grid_dark")
    window.tabs.setCurrentWidget(window.dashboard)
    window.dashboard.refresh(first.id, window.batch_summaries)
    shot(window, "dashboard_dark")
    os.environ.pop(SCHEME_ENV)

    window.sync.stop()
    service.runner.wait()
    window.close()
    service.close()
    ctx.close()
    QCoreApplication.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
