"""Run every benchmark in turn (``make bench``) and collect their markdown tables in bench/out/summary.md.

Each script is standalone and documents its own options; this runner only passes ``--quick`` sizes when asked:

    python bench/run_all.py            # the sizes the README reports (takes several minutes)
    python bench/run_all.py --quick    # small sizes, to check that every benchmark still runs

Benchmarks are scripts, not tests: timings depend on the machine and its load, which is printed with them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"

FULL: dict[str, list[str]] = {
    "bench_readers.py": [],
    "bench_validate.py": [],
    "bench_import.py": ["--rows", "100000,1000000"],
    "bench_sync.py": ["--records", "20000"],
    "bench_gui.py": [],
}
QUICK: dict[str, list[str]] = {
    "bench_readers.py": ["--rows", "20000", "--xlsx-rows", "5000"],
    "bench_validate.py": ["--rows", "50000", "--small", "10000", "--xlsx-rows", "5000"],
    "bench_import.py": ["--rows", "10000,50000"],
    "bench_sync.py": ["--records", "2000"],
    "bench_gui.py": ["--small", "10000", "--large", "50000", "--edits", "5"],
}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes: check that every benchmark runs")
    parser.add_argument("--only", nargs="*", help="run only these scripts (e.g. bench_sync.py)")
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    OUT.mkdir(exist_ok=True)
    sections: list[str] = [
        f"# LabSync benchmarks ({'quick' if args.quick else 'full'})\n",
        f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs\n",
    ]
    failed: list[str] = []
    for script, options in plan.items():
        if args.only and script not in args.only:
            continue
        print(f"\n=== {script} {' '.join(options)}", flush=True)
        started = time.monotonic()
        env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        proc = subprocess.run(
            [sys.executable, str(BENCH / script), *options],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        print(proc.stdout, end="")
        if proc.returncode != 0:
            failed.append(script)
            print(proc.stderr[-4000:], file=sys.stderr)
        table = [line for line in proc.stdout.splitlines() if line.startswith("|")]
        sections.append(f"## {script} ({time.monotonic() - started:.0f} s, exit {proc.returncode})\n")
        sections.append("\n".join(table) + "\n")
    (OUT / "summary.md").write_text("\n".join(sections), encoding="utf-8")
    print(f"\nsummary: {OUT / 'summary.md'}")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
