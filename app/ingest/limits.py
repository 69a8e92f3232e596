"""Size and ratio caps that keep every reader within bounded time and memory (one place to tune them)."""

from __future__ import annotations

MAX_CELL_CHARS = 1 << 20
"""Largest cell accepted (characters); a bigger cell is refused with its row number."""

MAX_LINE_CHARS = 4 << 20
"""Largest physical line of delimited text read at once; longer lines are refused (bounded memory)."""

SNIFF_BYTES = 64 << 10
"""Leading bytes used to decide the encoding and the delimiter."""

MAX_ZIP_MEMBER_BYTES = 1 << 30
"""Largest uncompressed size of one part of a workbook (1 GiB)."""

MAX_ZIP_TOTAL_BYTES = 2 << 30
"""Largest uncompressed size of all the parts of a workbook (2 GiB)."""

MAX_ZIP_RATIO = 200
"""Largest compression ratio of a large part (real sheets compress 5-30x; bombs 1000x+)."""

ZIP_RATIO_MIN_BYTES = 8 << 20
"""Parts smaller than this are not ratio-checked (tiny parts can compress very well)."""

MAX_ZIP_MEMBERS = 10_000

LARGE_SHEET_BYTES = 256 << 20
"""Sheets whose XML inflates beyond this are streamed row by row (flat memory), not loaded by calamine."""

LARGE_SHEET_CELLS = 2_000_000
"""Sheets with more cells than this are streamed too: calamine is ~5x faster but holds the whole sheet in
memory (about 100 bytes per cell: 2 M cells = 125 k rows of 16 columns ~ 200 MB)."""
