"""End-to-end validation benchmark (a script, not a timed test).

Usage: .venv/bin/python bench/bench_validate.py [--rows 1000000] [--small 100000] [--xlsx-rows 100000]
                                               [--skip-frictionless-large]

Generates seeded chemical inventories into bench/data/ (gitignored): CSV with --small and --rows rows,
XLSX with
--xlsx-rows rows; then runs, each in its own subprocess, and prints side by side:

* ``labsync validate FILE --format json`` (output to /dev/null) on each file,
* Python's ``csv`` module merely reading the same CSVs,
* openpyxl read-only merely iterating the same XLSX,
* ``frictionless validate --limit-errors 1000000000`` on the same CSVs (so it reads every row; by default it
  stops at its 1,000th error).

Wall time, CPU time (user+sys) and peak RSS of each child come from ``os.wait4`` (the child's own rusage).
The project's modules are byte-compiled first (``compileall``, as an installed wheel or a frozen build has
them): with ``PYTHONDONTWRITEBYTECODE`` set, every ``labsync`` child would otherwise compile ``app/`` from
source (~0.05 CPU-s) while openpyxl and frictionless load their installed bytecode.
The markdown table is printed and saved to bench/out/ (gitignored). Targets: CSV >= 150k rows/s end to end;
XLSX >= 10x openpyxl read-only; peak RSS <= 200 MB and flat (1M rows within 1.3x of 100k rows).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._gen import write_chemical_csv, write_chemical_xlsx  # noqa: E402

DATA = ROOT / "bench" / "data"
OUT = ROOT / "bench" / "out"
PY = sys.executable

CSV_READ = (
    "import csv,sys\nwith open(sys.argv[1], newline='', encoding='utf-8') as f:\n"
    "    n = sum(1 for _ in csv.reader(f))\n"
)
OPENPYXL_ITER = (
    "import sys\nfrom openpyxl import load_workbook\n"
    "wb = load_workbook(sys.argv[1], read_only=True, data_only=True)\n"
    "n = 0\nfor ws in wb.worksheets:\n"
    "    for row in ws.iter_rows(values_only=True):\n        n += 1\nwb.close()\n"
)


INGEST_ITER = (
    "import sys\nfrom pathlib import Path\nfrom app.ingest import open_table\n"
    "with open_table(Path(sys.argv[1])) as reader:\n    n = sum(1 for _ in reader.rows())\n"
)


@dataclass
class Measure:
    tool: str
    file: str
    rows: int
    wall: float
    cpu: float
    rss_mb: float
    rc: int

    @property
    def rate(self) -> float:
        return self.rows / self.wall if self.wall else 0.0


def run(tool: str, file: Path, rows: int, argv: list[str]) -> Measure:
    start = time.perf_counter()
    with open(os.devnull, "wb") as devnull:
        proc = subprocess.Popen(argv, stdout=devnull, stderr=subprocess.PIPE, cwd=ROOT)
        assert proc.stderr is not None
        _pid, status, usage = os.wait4(proc.pid, 0)
        err = proc.stderr.read().decode(errors="replace")
        proc.stderr.close()
    wall = time.perf_counter() - start
    rc = os.waitstatus_to_exitcode(status)
    proc.returncode = rc
    if rc not in (0, 1):
        print(f"  ! {tool} on {file.name} exited {rc}: {err.strip()[:300]}", file=sys.stderr)
    measure = Measure(
        tool, file.name, rows, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, rc
    )
    print(
        f"  {tool:<28} {file.name:<18} {measure.rate:>12,.0f} rows/s  {measure.rss_mb:7.1f} MB",
        file=sys.stderr,
    )
    return measure


def ensure(path: Path, rows: int, kind: str) -> Path:
    if path.exists():
        return path
    print(f"generating {path.relative_to(ROOT)} ({rows:,} rows)...", file=sys.stderr)
    (write_chemical_xlsx if kind == "xlsx" else write_chemical_csv)(path, rows)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument(
        "--skip-frictionless-large",
        action="store_true",
        help="run frictionless only on the small CSV (it is slow on the large one)",
    )
    args = parser.parse_args()
    # as installed: bytecode present (reading it works under PYTHONDONTWRITEBYTECODE; only writing is off)
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "app")], check=True)

    small = ensure(DATA / f"chem_{args.small}.csv", args.small, "csv")
    large = ensure(DATA / f"chem_{args.rows}.csv", args.rows, "csv")
    xlsx = ensure(DATA / f"chem_{args.xlsx_rows}.xlsx", args.xlsx_rows, "xlsx")
    labsync = [PY, "-m", "app.cli.main", "validate", "--format", "json", "--as-of", "2026-11-29"]
    frictionless = shutil.which("frictionless", path=str(Path(PY).parent)) or "frictionless"

    measures: list[Measure] = []
    for path, rows in ((small, args.small), (large, args.rows)):
        measures.append(run("labsync validate", path, rows, [*labsync, str(path)]))
        measures.append(run("python csv.reader (read only)", path, rows, [PY, "-c", CSV_READ, str(path)]))
        if path is small or not args.skip_frictionless_large:
            # --limit-errors: by default frictionless stops after 1,000 errors, i.e. without reading the file
            # a relative path: frictionless refuses absolute paths as "not safe" (and reports at once)
            argv = [frictionless, "validate", "--limit-errors", str(10**9), str(path.relative_to(ROOT))]
            measures.append(run("frictionless validate", path, rows, argv))
    measures.append(run("labsync validate", xlsx, args.xlsx_rows, [*labsync, str(xlsx)]))
    measures.append(
        run("openpyxl read-only (iterate)", xlsx, args.xlsx_rows, [PY, "-c", OPENPYXL_ITER, str(xlsx)])
    )
    # where the XLSX time goes: the reader alone (app.ingest), without validation
    measures.append(
        run("app.ingest reader (iterate)", xlsx, args.xlsx_rows, [PY, "-c", INGEST_ITER, str(xlsx)])
    )

    def find(tool: str, name: str) -> Measure | None:
        return next((m for m in measures if m.tool == tool and m.file == name), None)

    lines = [
        f"Benchmark {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC - {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.2f}",
        "",
        "| tool | file | rows | wall s | rows/s | CPU s | rows/CPU-s | peak RSS MB | exit |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for m in measures:
        cpu_rate = m.rows / m.cpu if m.cpu else 0.0
        lines.append(
            f"| {m.tool} | {m.file} | {m.rows:,} | {m.wall:.2f} | {m.rate:,.0f} | {m.cpu:.2f} | "
            f"{cpu_rate:,.0f} | {m.rss_mb:.1f} | {m.rc} |"
        )
    lines.append("")
    v_small, v_large = find("labsync validate", small.name), find("labsync validate", large.name)
    v_xlsx, o_xlsx = find("labsync validate", xlsx.name), find("openpyxl read-only (iterate)", xlsx.name)
    if v_small and v_large:
        ok = v_large.rate >= 150_000
        lines.append(
            f"- CSV end to end: {v_large.rate:,.0f} rows/s on {args.rows:,} rows "
            f"(target >= 150,000: {'met' if ok else 'NOT met'}; "
            f"{v_large.rows / v_large.cpu:,.0f} rows per CPU-second)"
        )
        ratio = v_large.rss_mb / v_small.rss_mb
        lines.append(
            f"- Peak RSS: {v_small.rss_mb:.1f} MB at {args.small:,} rows, {v_large.rss_mb:.1f} MB at "
            f"{args.rows:,} rows: ratio {ratio:.2f} (target <= 1.3 and <= 200 MB: "
            f"{'met' if ratio <= 1.3 and v_large.rss_mb <= 200 else 'NOT met'})"
        )
    if v_xlsx and o_xlsx:
        speedup = v_xlsx.rate / o_xlsx.rate if o_xlsx.rate else 0.0
        lines.append(
            f"- XLSX: labsync validate {v_xlsx.rate:,.0f} rows/s vs openpyxl read-only iteration "
            f"{o_xlsx.rate:,.0f} rows/s: {speedup:.1f}x (target >= 10x: "
            f"{'met' if speedup >= 10 else 'NOT met'})"
        )
    for path in (small, large):
        fr, lv = find("frictionless validate", path.name), find("labsync validate", path.name)
        if fr and lv and fr.rate:
            lines.append(
                f"- frictionless validate on {path.name}: {fr.rate:,.0f} rows/s; labsync validate runs at "
                f"{lv.rate / fr.rate:.2f}x its rate (wall) and {lv.cpu and fr.cpu / lv.cpu:.2f}x (CPU), "
                "with the full rule set"
            )
    table = "\n".join(lines) + "\n"
    print(table)
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f"bench_validate-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%S}.md"
    target.write_text(table, encoding="utf-8")
    print(f"saved {target.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
