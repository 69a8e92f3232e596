"""Import throughput: the same ``Workspace.import_file`` code path on SQLCipher and on plain SQLite, side by
side.

Usage: .venv/bin/python bench/bench_import.py [--rows 100000,1000000] [--repeat 1] [--dir /tmp/labsync-bench]

For each size it imports a seeded chemical inventory CSV (bench/_gen.py) into a fresh workspace, once with
SQLCipher
(passphrase key, SQLCipher 4 defaults) and once with plain SQLite (``Workspace.open_plain``; benchmarks only),
plus
a validation-only pass as the floor. Each measurement runs in a fresh subprocess so its peak RSS is its own;
runs
are interleaved so background load hits both stores alike. Prints a markdown table (best of --repeat).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MODES = ("validate", "sqlite", "sqlcipher")


def child(mode: str, csv_path: Path) -> dict[str, float]:
    """One measurement in this (fresh) process."""
    home = Path(tempfile.mkdtemp(prefix="labsync-bench-"))
    os.environ["LABSYNC_HOME"] = str(home)
    os.environ["LABSYNC_PASSPHRASE"] = "benchmark passphrase"
    try:
        if mode == "validate":
            from app.validation.engine import open_validation

            start = time.perf_counter()
            with open_validation(csv_path) as run:
                rows = sum(1 for _ in run.results())
            seconds = time.perf_counter() - start
            db_bytes = 0
            extra: dict[str, float] = {}
        else:
            from app.workspace import Workspace

            plain = home / "data" / "plain.db"
            ws = Workspace.open() if mode == "sqlcipher" else Workspace.open_plain(plain)
            start = time.perf_counter()
            batch = ws.import_file(csv_path)
            seconds = time.perf_counter() - start
            rows = batch.row_count
            extra = grid_timings(ws, batch.id) if mode == "sqlcipher" else {}
            ws.close()
            db_bytes = sum(p.stat().st_size for p in (home / "data").iterdir())
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        return {
            "rows": rows,
            "seconds": seconds,
            "rows_per_s": rows / seconds,
            "peak_rss_mib": rss,
            "db_mib": db_bytes / 2**20,
            **extra,
        }
    finally:
        shutil.rmtree(home, ignore_errors=True)


def grid_timings(ws: Any, batch_id: int) -> dict[str, float]:
    """What the GUI does on the imported batch: all row ids, a page of rows, counts, a search, rows by
    violation code (jump to problem), 200 edits (a quarter of them into the batch's duplicate-key group)."""
    import random

    out: dict[str, float] = {}
    start = time.perf_counter()
    ids = ws.row_ids(batch_id)
    out["row_ids_ms"] = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    ws.rows_by_id(ids[len(ids) // 2 : len(ids) // 2 + 100])
    out["page_100_ms"] = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    ws.violation_counts(batch_id)
    ws.row_count(batch_id, only_invalid=True)
    out["counts_ms"] = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    ws.row_count(batch_id, search="Toluene")
    out["search_ms"] = (time.perf_counter() - start) * 1000
    counts = ws.violation_counts(batch_id)
    if counts:
        common = max(counts, key=lambda c: counts[c])
        rare = min(counts, key=lambda c: counts[c])
        start = time.perf_counter()
        ws.row_ids(batch_id, code=common)
        out["row_ids_code_common_ms"] = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        ws.row_ids(batch_id, code=rare)
        out["row_ids_code_rare_ms"] = (time.perf_counter() - start) * 1000
    rng = random.Random(1)
    fields = ws.fields(batch_id)
    key_field = fields[0]
    # the largest DUPLICATE_KEY group: editing a row into it (and back out) is the costliest edit
    dup_ids = ws.row_ids(batch_id, code="DUPLICATE_KEY")[:200]
    dup_value = ws.row(dup_ids[0]).raw.get(key_field, "") if dup_ids else "EDIT-dup"
    timings = []
    for i in range(200):
        rid = rng.choice(ids)
        kind = i % 4
        if kind == 0:
            field, value = key_field, f"EDIT-{i}"  # a new key
        elif kind == 1:
            field, value = key_field, dup_value  # into a duplicate group
        elif kind == 2:
            field, value = key_field, ws.row(rng.choice(ids)).raw.get(key_field, "")  # another row's key
        else:
            field, value = rng.choice(fields), f"text {i}"  # any cell
        start = time.perf_counter()
        ws.edit_cell(rid, field, value)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    out["edit_median_ms"] = timings[len(timings) // 2]
    out["edit_p95_ms"] = timings[int(len(timings) * 0.95) - 1]
    out["edit_max_ms"] = timings[-1]
    out["edits"] = len(timings)
    return out


def measure(mode: str, csv_path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(csv_path)], check=True, capture_output=True, text=True
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="100000,1000000", help="comma-separated sizes")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--dir", default=str(Path(tempfile.gettempdir()) / "labsync-bench"))
    parser.add_argument("--child", nargs=2, metavar=("MODE", "CSV"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]))))
        return 0
    from bench._gen import write_chemical_csv

    directory = Path(args.dir)
    directory.mkdir(parents=True, exist_ok=True)
    sizes = [int(x) for x in args.rows.split(",") if x]
    table: list[tuple[int, str, dict[str, float]]] = []
    for n in sizes:
        csv_path = directory / f"chem-{n}.csv"
        if not csv_path.exists():
            print(f"generating {csv_path} ...", file=sys.stderr)
            write_chemical_csv(csv_path, n)
        best: dict[str, dict[str, float]] = {}
        for _ in range(args.repeat):
            for mode in MODES:
                result = measure(mode, csv_path)
                print(
                    f"  {n:>9,} {mode:10} {result['seconds']:7.2f} s {result['rows_per_s']:>9,.0f} rows/s "
                    f"{result['peak_rss_mib']:6.0f} MiB",
                    file=sys.stderr,
                )
                if mode not in best or result["seconds"] < best[mode]["seconds"]:
                    best[mode] = result
        table.extend((n, mode, best[mode]) for mode in MODES)
    print()
    print(f"Import benchmark ({os.cpu_count()} CPUs, Python {sys.version.split()[0]}; best of {args.repeat})")
    print()
    print("| rows | store | seconds | rows/s | peak RSS (MiB) | db size (MiB) | vs plain SQLite |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for n, mode, r in table:
        plain = next(x for m_n, m, x in table if m_n == n and m == "sqlite")
        ratio = f"{r['seconds'] / plain['seconds']:.2f}x" if mode != "validate" else "(no store)"
        label = {"validate": "validation only", "sqlite": "plain SQLite", "sqlcipher": "SQLCipher 4"}[mode]
        print(
            f"| {n:,} | {label} | {r['seconds']:.2f} | {r['rows_per_s']:,.0f} | {r['peak_rss_mib']:.0f} | "
            f"{r['db_mib']:.0f} | {ratio} |"
        )
    grid = [(n, r) for n, m, r in table if m == "sqlcipher" and "edit_median_ms" in r]
    if grid:
        print()
        print("Grid and edit latency on the imported SQLCipher batch (ms)")
        print()
        print(
            "| rows | row_ids (all) | page of 100 rows | counts | search (LIKE) | row_ids by code "
            "(common / rare) | edits | edit median | edit p95 | edit max |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for n, r in grid:
            by_code = f"{r.get('row_ids_code_common_ms', 0):.0f} / {r.get('row_ids_code_rare_ms', 0):.1f}"
            print(
                f"| {n:,} | {r['row_ids_ms']:.0f} | {r['page_100_ms']:.1f} | {r['counts_ms']:.0f} | "
                f"{r['search_ms']:.0f} | {by_code} | {r['edits']:.0f} | {r['edit_median_ms']:.1f} | "
                f"{r['edit_p95_ms']:.1f} | {r['edit_max_ms']:.1f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
