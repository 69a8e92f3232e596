"""Child process for the crash tests: works on the workspace and logs each committed step, until SIGKILLed.

argv: csv_path journal_path seed [import]. Each line of the journal is written (and fsynced) right after the
step it
names
committed, so the parent knows a lower bound of what must be in the database.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fakes import FakeValidation

from app.workspace import OutboxState, RecordOutcome, Workspace


def main() -> None:
    csv_path, journal_path, seed = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    fd = os.open(journal_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def log(line: str) -> None:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)

    ws = Workspace.open(validation=FakeValidation())
    log("open")
    force_import = len(sys.argv) > 4 and sys.argv[4] == "import"
    if force_import or rng.random() < 0.5 or not ws.batches():
        log("importing")
        batch = ws.import_file(csv_path)
        log(f"import {batch.id} {batch.row_count}")
    batches = ws.batches()
    step = 0
    while True:
        step += 1
        batch = rng.choice(batches)
        ids = ws.row_ids(batch.id)
        roll = rng.random()
        if roll < 0.8:
            rid = rng.choice(ids)
            field = rng.choice(["cas", "name", "qty"])
            value = rng.choice(["7732-18-5", "64-17-5", "bad", "", f"v{seed}-{step}", "12"])
            result = ws.edit_cell(rid, field, value)
            if result.edit_id is not None:
                log(f"edit {result.edit_id}")
        elif roll < 0.9:
            summary = ws.submit(batch.id)
            log(f"submit {batch.id} {summary.queued}")
        else:
            due = ws.due_outbox(50, dt.datetime.now(dt.UTC))
            if due:
                key = f"req-{seed}-{step}"
                ws.begin_send([e.id for e in due], key)
                log(f"send {key}")
                ws.record_results(
                    key,
                    [
                        RecordOutcome(
                            e.id,
                            rng.choice([OutboxState.ACKED, OutboxState.REJECTED, OutboxState.RETRY_WAIT]),
                        )
                        for e in due
                    ],
                )
                log(f"results {key}")


if __name__ == "__main__":
    main()
