"""GUI benchmark: first rows visible, edit latency and peak RSS of the desktop app on large files.

    python bench/bench_gui.py                # 100k and 1M rows, 30 edits (README figures; minutes)
    python bench/bench_gui.py --quick        # 10k and 50k rows, 5 edits (checks that it runs; ~20 s)
    python bench/bench_gui.py [--small N] [--large N] [--edits N]

Measures, in one run, with the real main window offscreen on a throwaway encrypted workspace:

* 100k-row CSV: time from "open" until the first rows are painted in the grid (target < 1 s), and until the
  whole file is imported and validated;
* 1M-row CSV: edit -> re-validate -> repaint latency of one cell (target < 50 ms), scrolling end to end,
  and the GUI process's peak RSS (target <= 600 MB).

Runs offscreen unless QT_QPA_PLATFORM says otherwise. The markdown table is printed and saved to bench/out/
(gitignored). Exit status 1 when a target is missed at the full sizes (never with --quick, whose sizes are
too small for the targets to mean anything).
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LABSYNC_GUI_NONINTERACTIVE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HEADERS = [
    "Container ID",
    "Chemical Name",
    "CAS Number",
    "Quantity",
    "Unit",
    "Physical State",
    "Building",
    "Room",
    "PI Name",
    "Hazard Codes",
    "SDS Reference",
    "Date Received",
]
CHEMS = [
    ("Acetone", "67-64-1", "H225"),
    ("Ethanol", "64-17-5", "H225"),
    ("Toluene", "108-88-3", "H225"),
    ("Sodium chloride", "7647-14-5", ""),
    ("Methanol", "67-56-1", "H301"),
]


def make_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        for i in range(rows):
            name, cas, hz = CHEMS[i % len(CHEMS)]
            qty = "-1" if rng.random() < 0.03 else str(1 + i % 50)
            w.writerow(
                [
                    f"C-{i:07d}",
                    name,
                    cas,
                    qty,
                    "L",
                    "liquid",
                    "Chem",
                    str(100 + i % 40),
                    "Smith",
                    hz,
                    f"SDS-{cas}" if hz else "",
                    "2024-01-10",
                ]
            )


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_rss_mb() -> float:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes (10k, 50k rows, 5 edits)")
    parser.add_argument("--small", type=int, help="rows of the 'first rows visible' file (default 100000)")
    parser.add_argument("--large", type=int, help="rows of the edit/scroll/RSS file (default 1000000)")
    parser.add_argument("--edits", type=int, help="timed cell edits (default 30)")
    args = parser.parse_args()
    defaults = (10_000, 50_000, 5) if args.quick else (100_000, 1_000_000, 30)
    args.small = args.small or defaults[0]
    args.large = args.large or defaults[1]
    args.edits = args.edits or defaults[2]
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())

    work = Path(tempfile.mkdtemp(prefix="labsync-bench-gui-"))
    os.environ["LABSYNC_HOME"] = str(work / "home")
    os.environ["LABSYNC_PASSPHRASE"] = "bench passphrase, not a secret"
    for name in ("LABSYNC_PORTAL_URL", "LABSYNC_CLIENT_ID", "LABSYNC_CLIENT_SECRET"):
        os.environ.pop(name, None)

    from PySide6.QtCore import QEventLoop, QTimer

    from app.config.logs import install_qt_message_handler
    from app.gui.jobs import JobRunner
    from app.gui.launch import make_app
    from app.gui.main_window import MainWindow
    from app.gui.service import WorkspaceService
    from app.workspace import Workspace

    install_qt_message_handler()  # as the app does: Qt's messages go to logging, not raw to stderr
    app = make_app()
    service = WorkspaceService(Workspace.open, JobRunner())
    window = MainWindow(service)
    window.resize(1400, 900)
    window.show()

    def pump(ms: int = 1) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    results: list[tuple[str, str, str, str]] = []

    def import_file(path: Path) -> tuple[float, float, Any]:
        done: list[Any] = []
        window.import_finished.connect(done.append)
        shown_before = window.model.batch_id  # the grid still shows the previous file's batch until then
        t0 = time.perf_counter()
        first: float | None = None
        window.open_file(path)
        while not done:
            pump(2)
            if first is None and window.model.batch_id != shown_before and window.model.rowCount() > 0:
                window.grid.viewport().repaint()
                first = time.perf_counter() - t0
        total = time.perf_counter() - t0
        window.import_finished.disconnect(done.append)
        # the stored batch replaces the preview (its row ids are read in the background for huge batches)
        while window.model.batch_id != done[0].id or window.model.rowCount() < done[0].row_count:
            pump(5)
        return (first if first is not None else total), total, done[0]

    # -- 100k: first rows visible ---------------------------------------------------------------------------
    small = work / f"inventory-{args.small}.csv"
    make_csv(small, args.small)
    first, total, summary = import_file(small)
    results.append(
        (
            f"{args.small:,} rows: first rows visible",
            f"{first * 1000:.0f} ms",
            "< 1000 ms",
            "ok" if first < 1.0 else "MISSED",
        )
    )
    results.append(
        (
            f"{args.small:,} rows: import + validation done",
            f"{total:.1f} s",
            f"{summary.row_count / total:,.0f} rows/s",
            "",
        )
    )

    # -- 1M: import, edit latency, scroll, RSS ------------------------------------------------------------
    large = work / f"inventory-{args.large}.csv"
    make_csv(large, args.large, seed=8)
    first, total, summary = import_file(large)
    results.append((f"{args.large:,} rows: first rows visible", f"{first * 1000:.0f} ms", "", ""))
    results.append(
        (
            f"{args.large:,} rows: import + validation done",
            f"{total:.1f} s",
            f"{summary.row_count / total:,.0f} rows/s",
            "",
        )
    )
    rss_after_import = current_rss_mb()

    model = window.model
    col = model.fields.index("quantity")
    latencies: list[float] = []
    rng = random.Random(3)
    for i in range(args.edits):
        row = rng.randrange(model.rowCount())
        index = model.index(row, col)
        window.grid.scrollTo(index)
        pump(1)
        old = str(index.data() or "")
        new = str(10 + i) if old != str(10 + i) else str(11 + i)
        seen: list[Any] = []
        window.editing.rows_revalidated.connect(seen.append)
        t0 = time.perf_counter()
        model.setData(index, new)
        while not seen:
            app.processEvents()
        window.grid.viewport().repaint()
        latencies.append((time.perf_counter() - t0) * 1000)
        window.editing.rows_revalidated.disconnect(seen.append)
        assert model.index(row, col).data() == new
    p50 = statistics.median(latencies)
    p95 = sorted(latencies)[max(0, int(len(latencies) * 0.95) - 1)]
    results.append(
        (
            f"edit -> re-validate -> repaint at {args.large:,} rows (median)",
            f"{p50:.1f} ms",
            "< 50 ms",
            "ok" if p50 < 50 else "MISSED",
        )
    )
    results.append((f"edit -> re-validate -> repaint at {args.large:,} rows (p95)", f"{p95:.1f} ms", "", ""))

    # scroll end to end, a page at a time, painting each page
    bar = window.grid.verticalScrollBar()
    steps = 300
    t0 = time.perf_counter()
    worst = 0.0
    for k in range(steps + 1):
        s0 = time.perf_counter()
        bar.setValue(int(bar.maximum() * k / steps))
        window.grid.viewport().repaint()
        worst = max(worst, time.perf_counter() - s0)
    scroll = time.perf_counter() - t0
    results.append(
        (
            f"scroll end to end ({steps} jumps, painted)",
            f"{scroll * 1000 / (steps + 1):.1f} ms/jump",
            f"worst {worst * 1000:.0f} ms",
            "",
        )
    )
    peak = peak_rss_mb()
    results.append(
        (f"GUI process RSS after the {args.large:,}-row import", f"{rss_after_import:.0f} MB", "", "")
    )
    results.append(
        ("GUI process peak RSS (whole run)", f"{peak:.0f} MB", "<= 600 MB", "ok" if peak <= 600 else "MISSED")
    )

    window.close()
    service.close()

    import PySide6

    lines = [
        f"GUI benchmark, {started}, Python {platform.python_version()}, PySide6 {PySide6.__version__}, "
        f"Qt platform {app.platformName()}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.2f}",
        "",
        "| measure | value | target / rate | verdict |",
        "| --- | ---: | ---: | --- |",
        *(f"| {name} | {value} | {target} | {verdict} |" for name, value, target, verdict in results),
        "",
    ]
    table = "\n".join(lines)
    print(table)
    out = Path(__file__).resolve().parent / "out"
    try:
        out.mkdir(exist_ok=True)
        target = out / f"bench_gui-{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}.md"
        target.write_text(table, encoding="utf-8")
        print(f"saved {target}", file=sys.stderr)
    except OSError as exc:
        print(f"could not save the table: {exc}", file=sys.stderr)
    import shutil

    shutil.rmtree(work, ignore_errors=True)
    missed = [name for name, _v, _t, verdict in results if verdict == "MISSED"]
    if missed and not args.quick:
        print(f"targets missed: {'; '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
