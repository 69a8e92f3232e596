"""Reader throughput: app.ingest readers vs the raw libraries on seeded generated files (a script, no test).

Usage: .venv/bin/python bench/bench_readers.py [--rows 1000000] [--xlsx-rows 100000] [--dir DIR]
Prints rows/s and peak RSS for: csv.reader alone, open_table on the same CSV, and (XLSX) openpyxl read-only
iteration vs open_table. Each measurement runs in a fresh subprocess so peak RSS is its own.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
from pathlib import Path

HEADER = [
    "Container ID",
    "Chemical Name",
    "CAS",
    "Quantity",
    "Unit",
    "Containers",
    "Physical State",
    "Building",
    "Room",
    "Storage Location",
    "PI Name",
    "Hazard Codes",
    "SDS",
    "Date Received",
    "Expiration Date",
    "Concentration",
]
NAMES = [
    "Acetone",
    "Ethanol",
    "Sodium chloride",
    "Hydrochloric acid",
    "Toluene",
    "Methanol",
    "Café reagent µ",
]


def make_csv(path: Path, rows: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i in range(rows):
            w.writerow(
                [
                    f"C{i:08d}",
                    rnd.choice(NAMES),
                    "67-64-1",
                    f"{rnd.uniform(0.1, 500):.2f}",
                    rnd.choice(["mL", "g", "L"]),
                    str(rnd.randint(1, 5)),
                    rnd.choice(["solid", "liquid"]),
                    "Chem Bldg",
                    str(rnd.randint(100, 499)),
                    "Cabinet 3, shelf 2",
                    "Dr. Smith",
                    "H225;H319",
                    "SDS-123",
                    "2024-03-01",
                    "2027-03-01",
                    "99%",
                ]
            )


def make_xlsx(path: Path, rows: int, seed: int = 7) -> None:
    from openpyxl import Workbook

    rnd = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Inventory")
    ws.append(HEADER)
    for i in range(rows):
        ws.append(
            [
                f"C{i:08d}",
                rnd.choice(NAMES),
                "67-64-1",
                round(rnd.uniform(0.1, 500), 2),
                "mL",
                rnd.randint(1, 5),
                "liquid",
                "Chem Bldg",
                rnd.randint(100, 499),
                "Cabinet 3",
                "Dr. Smith",
                "H225",
                "SDS-1",
                "2024-03-01",
                "2027-03-01",
                "99%",
            ]
        )
    wb.save(path)


CHILD = r"""
import json, resource, sys, time
from pathlib import Path
kind, path = sys.argv[1], Path(sys.argv[2])
if kind == "open_table":
    from app.ingest import open_table  # imported before the clock starts, like a long-running app
t = time.perf_counter()
n = 0
if kind == "csv.reader":
    import csv
    with path.open(newline="", encoding="utf-8") as f:
        for _ in csv.reader(f):
            n += 1
elif kind == "openpyxl-ro":
    import openpyxl
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for _ in wb.worksheets[0].iter_rows(values_only=True):
        n += 1
    wb.close()
else:
    with open_table(path) as r:
        for _ in r.rows():
            n += 1
dt = time.perf_counter() - t
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": n, "seconds": dt, "rss_mb": rss_mb}))
"""


def measure(kind: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(path)],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--xlsx-rows", type=int, default=100_000)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/labsync-bench"))
    ap.add_argument("--skip-xlsx", action="store_true")
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    cases: list[tuple[str, Path]] = []
    for rows in sorted({100_000, args.rows}):
        csv_path = args.dir / f"inventory-{rows}.csv"
        if not csv_path.exists():
            make_csv(csv_path, rows)
        cases += [("csv.reader", csv_path), ("open_table", csv_path)]
    if not args.skip_xlsx:
        xlsx_path = args.dir / f"inventory-{args.xlsx_rows}.xlsx"
        if not xlsx_path.exists():
            make_xlsx(xlsx_path, args.xlsx_rows)
        cases += [("openpyxl-ro", xlsx_path), ("open_table", xlsx_path)]
    print(f"{'reader':<12} {'file':<28} {'rows':>9} {'seconds':>8} {'rows/s':>10} {'peak RSS MB':>11}")
    for kind, path in cases:
        m = measure(kind, path)
        print(
            f"{kind:<12} {path.name:<28} {m['rows']:>9} {m['seconds']:>8.2f} "
            f"{m['rows'] / m['seconds']:>10,.0f} {m['rss_mb']:>11.0f}"
        )


if __name__ == "__main__":
    main()
