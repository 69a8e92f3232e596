"""Peak memory does not grow with the number of rows (measured in fresh interpreters)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .hostile import raw_workbook

ROOT = Path(__file__).resolve().parents[2]

_CHILD = """
import sys
from pathlib import Path
from app.ingest import limits, open_table
if sys.argv[2] == "stream":
    limits.LARGE_SHEET_BYTES = -1
n = 0
with open_table(Path(sys.argv[1])) as reader:
    for _ in reader.rows():
        n += 1
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
print(n, int(hwm) // 1024)
"""


def _peak(path: Path, mode: str = "auto") -> tuple[int, int]:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), mode], capture_output=True, text=True, cwd=ROOT, check=True
    )
    rows, mb = out.stdout.split()
    return int(rows), int(mb)


def _csv(path: Path, rows: int) -> Path:
    line = (
        "C00000001,Acetone,67-64-1,1.5,mL,2,liquid,Chem,101,Cabinet 3,Dr. Smith,H225,SDS-1,2024-03-01,99%\n"
    )
    path.write_text("ID,Name,CAS,Qty,Unit,N,State,Bldg,Room,Loc,PI,H,SDS,Date,Conc\n" + line * rows)
    return path


def _xlsx(path: Path, rows: int) -> Path:
    cells = "".join(
        f'<c r="{c}{{r}}" t="inlineStr"><is><t>value {c}</t></is></c>' for c in "ABCDEFGHIJKLMNOP"
    )
    data = "".join(f'<row r="{r}">' + cells.replace("{r}", str(r)) + "</row>" for r in range(1, rows + 1))
    return raw_workbook(path, data)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc for the peak RSS")
def test_csv_memory_is_flat(tmp_path: Path) -> None:
    small = _peak(_csv(tmp_path / "small.csv", 50_000))
    large = _peak(_csv(tmp_path / "large.csv", 500_000))
    assert (small[0], large[0]) == (50_001, 500_001)
    assert large[1] <= small[1] * 1.3 + 5, (small, large)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc for the peak RSS")
def test_streamed_xlsx_memory_is_flat(tmp_path: Path) -> None:
    small = _peak(_xlsx(tmp_path / "small.xlsx", 5_000), "stream")
    large = _peak(_xlsx(tmp_path / "large.xlsx", 50_000), "stream")
    assert (small[0], large[0]) == (5_000, 50_000)
    assert large[1] <= small[1] * 1.3 + 5, (small, large)
