"""Keys, permissions, encryption at rest, wrong keys, rekey, backup/restore, migrations -- on real SQLCipher
files."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes import FakeValidation

import app.workspace.schema as schema
from app.cli.main import main
from app.errors import UnlockError, UserError
from app.paths import current_paths
from app.workspace import SCHEMA_VERSION, Workspace
from app.workspace import keys as keys_mod

SECRETS_IN_FILE = ["7732-18-5", "Water", "Ethanol", "Acetone", "67-64-1", "64-17-5"]


def _files(db: Path) -> list[Path]:
    return [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-journal"), Path(f"{db}-shm")) if p.exists()]


def _digest(db: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in _files(db)}


def _assert_no_clear_text(db: Path, needles: list[str]) -> None:
    for path in _files(db):
        data = path.read_bytes()
        for needle in needles:
            for encoded in (needle.encode("utf-8"), needle.encode("utf-16-le")):
                assert encoded not in data, f"{needle!r} in clear in {path.name}"


class MemoryKeyring:
    """An in-memory keyring backend standing in for the OS keyring."""

    priority = 5

    def __init__(self) -> None:
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, user: str) -> str | None:
        return self.store.get((service, user))

    def set_password(self, service: str, user: str, password: str) -> None:
        self.store[(service, user)] = password

    def delete_password(self, service: str, user: str) -> None:
        self.store.pop((service, user), None)


class ExplodingKeyring(MemoryKeyring):
    def get_password(self, service: str, user: str) -> str | None:
        raise AssertionError("the keyring must not be consulted")

    set_password = get_password  # type: ignore[assignment]


class PlaintextKeyring(MemoryKeyring):
    """Named like keyrings.alt's plaintext file backend: must be refused."""


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    monkeypatch.delenv("LABSYNC_PASSPHRASE", raising=False)
    monkeypatch.setattr(keys_mod, "usable_keyring", lambda: backend)
    return backend


def test_files_are_private_and_encrypted_at_rest(ws: Workspace, make_csv: Callable[..., Path]) -> None:
    batch = ws.import_file(make_csv())
    ws.edit_cell(ws.row_ids(batch.id)[1], "name", "Ethanol absolute")
    ws.submit(batch.id)
    db = current_paths().workspace_db
    # while open: the WAL holds the latest pages, encrypted too
    assert Path(f"{db}-wal").exists()
    _assert_no_clear_text(db, [*SECRETS_IN_FILE, "Ethanol absolute"])
    for path in _files(db):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    ws.close()
    _assert_no_clear_text(db, [*SECRETS_IN_FILE, "Ethanol absolute"])
    assert db.read_bytes()[:16] != b"SQLite format 3\x00"


def test_encrypted_at_rest_with_the_real_validation(labsync_home: Path, tmp_path: Path) -> None:
    try:
        import bench._gen as gen
        from app.validation.engine import open_validation  # noqa: F401
    except Exception as exc:  # pragma: no cover - only while the engine is being written
        pytest.skip(f"real validation not importable: {exc}")
    path = gen.write_chemical_csv(tmp_path / "chem.csv", 300, seed=7)
    text = path.read_text(encoding="utf-8")
    needles = [n for n in ("Acetone", "67-64-1", "Methanol", "67-56-1", "Toluene", "108-88-3") if n in text]
    assert needles
    with Workspace.open() as ws:
        batch = ws.import_file(path)
        assert batch.row_count == 300
        _assert_no_clear_text(ws.path, needles)
    _assert_no_clear_text(current_paths().workspace_db, needles)


def test_wrong_key_is_refused_and_file_unchanged(
    labsync_home: Path, make_csv: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    with Workspace.open(validation=FakeValidation()) as ws:
        ws.import_file(make_csv())
    db = current_paths().workspace_db
    before = _digest(db)
    with pytest.raises(UnlockError) as info:
        Workspace.open(passphrase="not the passphrase", validation=FakeValidation())
    assert "not the passphrase" not in str(info.value)
    assert str(info.value) == "cannot unlock the workspace: wrong passphrase or key"
    os.environ["LABSYNC_PASSPHRASE"] = "wrong one"
    assert main(["batches"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "labsync: error: cannot unlock the workspace: wrong passphrase or key"
    assert _digest(db) == before


def test_passphrase_is_sqlciphers_own_kdf(ws: Workspace) -> None:
    """The sqlcipher shell opens the file with the same passphrase (PRAGMA key = 'passphrase')."""
    from sqlcipher3 import dbapi2

    ws.close()
    conn = dbapi2.connect(str(current_paths().workspace_db))
    conn.execute("PRAGMA key = 'test passphrase, not a secret'")
    assert conn.execute("SELECT count(*) FROM audit").fetchone()[0] >= 1
    conn.close()


def test_env_passphrase_never_touches_the_keyring(
    monkeypatch: pytest.MonkeyPatch, labsync_home: Path
) -> None:
    monkeypatch.setattr(keys_mod, "usable_keyring", lambda: ExplodingKeyring())
    Workspace.open(validation=FakeValidation()).close()


def test_keyring_holds_a_random_raw_key(memory_keyring: MemoryKeyring, make_csv: Callable[..., Path]) -> None:
    with Workspace.open(validation=FakeValidation()) as ws:
        ws.import_file(make_csv())
        assert ws.info()["cipher"]["key_source"] == "keyring"
    [(service, _account)] = list(memory_keyring.store)
    raw = bytes.fromhex(memory_keyring.store[(service, _account)])
    assert len(raw) == 32
    with Workspace.open(validation=FakeValidation()) as ws:  # opened from the keyring again
        assert len(ws.batches()) == 1
    from sqlcipher3 import dbapi2

    conn = dbapi2.connect(str(current_paths().workspace_db))
    conn.execute(f"PRAGMA key = \"x'{raw.hex()}'\"")
    assert conn.execute("SELECT count(*) FROM batches").fetchone()[0] == 1
    conn.close()


def test_plaintext_and_fail_backends_are_refused(monkeypatch: pytest.MonkeyPatch, labsync_home: Path) -> None:
    import keyring
    from keyring.backends import fail

    monkeypatch.delenv("LABSYNC_PASSPHRASE", raising=False)
    for backend in (PlaintextKeyring(), fail.Keyring()):
        monkeypatch.setattr(keyring, "get_keyring", lambda b=backend: b)
        assert keys_mod.usable_keyring() is None
        with pytest.raises(UserError, match="LABSYNC_PASSPHRASE"):
            Workspace.open(validation=FakeValidation(), interactive=False)
    # interactive: a prompt (twice for a new workspace)
    answers = iter(["typed passphrase", "typed passphrase"])
    with Workspace.open(validation=FakeValidation(), prompt=lambda _p: next(answers)) as ws:
        assert ws.info()["cipher"]["key_source"] == "passphrase"
    with pytest.raises(UnlockError):
        Workspace.open(validation=FakeValidation(), prompt=lambda _p: "wrong")


def test_db_key_repr_hides_secrets() -> None:
    key = keys_mod.key_from_passphrase("hunter2", Path("/nonexistent/db"))
    assert key.raw.hex() not in repr(key)
    assert "hunter2" not in repr(key)


def test_rekey_with_passphrase(ws: Workspace, make_csv: Callable[..., Path]) -> None:
    ws.import_file(make_csv())
    ws.rekey("a brand new passphrase")
    assert ws.row_count(ws.batches()[0].id) == 5  # still usable after rekey
    ws.close()
    with pytest.raises(UnlockError):
        Workspace.open(validation=FakeValidation())
    with Workspace.open(passphrase="a brand new passphrase", validation=FakeValidation()) as again:
        assert again.audit.verify().ok
        assert [e.action for e in again.audit.entries()][-1] == "rekey"


def test_rekey_to_keyring_and_back(memory_keyring: MemoryKeyring, make_csv: Callable[..., Path]) -> None:
    with Workspace.open(validation=FakeValidation()) as ws:
        ws.import_file(make_csv())
        old = dict(memory_keyring.store)
        assert ws.rekey(None) == "keyring"
    assert memory_keyring.store != old
    assert len(memory_keyring.store) == 1
    with Workspace.open(validation=FakeValidation()) as ws:
        assert ws.audit.verify().ok
        ws.rekey("now a passphrase")
    assert memory_keyring.store == {}
    with Workspace.open(passphrase="now a passphrase", validation=FakeValidation()) as ws:
        assert ws.audit.verify().ok


def test_rekey_cli(
    labsync_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["workspace", "info"]) == 0
    monkeypatch.setenv("LABSYNC_NEW_PASSPHRASE", "cli new passphrase")
    assert main(["workspace", "rekey"]) == 0
    monkeypatch.setenv("LABSYNC_PASSPHRASE", "cli new passphrase")
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "cli new passphrase" not in out


def test_backup_and_restore(ws: Workspace, make_csv: Callable[..., Path], tmp_path: Path) -> None:
    batch = ws.import_file(make_csv())
    target = tmp_path / "backup.lsb"
    report = ws.backup(target)
    assert report["counts"]["rows"] == 5
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    _assert_no_clear_text(target, SECRETS_IN_FILE)
    ws.edit_cell(ws.row_ids(batch.id)[0], "name", "changed after the backup")
    ws.close()
    restored = Workspace.restore(target, validation=FakeValidation())
    try:
        assert restored.row(restored.row_ids(batch.id)[0]).raw["name"] == "Water"
        assert restored.audit.verify().ok
        assert [e.action for e in restored.audit.entries()][-2:] == ["backup", "restore"]
    finally:
        restored.close()
    kept = list(current_paths().data_dir.glob("workspace.db.before-restore-*"))
    assert len(kept) == 1


def test_restore_refuses_a_backup_with_a_broken_chain(
    ws: Workspace, make_csv: Callable[..., Path], tmp_path: Path
) -> None:
    ws.import_file(make_csv())
    target = tmp_path / "backup.lsb"
    ws.backup(target)
    ws.close()
    db = current_paths().workspace_db
    before = _digest(db)
    _tamper(target, "DROP TRIGGER audit_no_update", "UPDATE audit SET actor = 'mallory' WHERE seq = 2")
    with pytest.raises(UserError, match="audit log broken at entry 2"):
        Workspace.restore(target, validation=FakeValidation())
    assert _digest(db) == before


def _tamper(db: Path, *statements: str, passphrase: str = "test passphrase, not a secret") -> None:
    from sqlcipher3 import dbapi2

    conn = dbapi2.connect(str(db), isolation_level=None)
    conn.execute(f"PRAGMA key = '{passphrase}'")
    for sql in statements:
        conn.execute(sql)
    conn.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_migrates_from_every_earlier_version(
    version: int, monkeypatch: pytest.MonkeyPatch, labsync_home: Path, make_csv: Callable[..., Path]
) -> None:
    import app.workspace.workspace as ws_module

    monkeypatch.setattr(ws_module, "MIGRATIONS", schema.MIGRATIONS[:version])
    monkeypatch.setattr(ws_module, "SCHEMA_VERSION", version)
    old = Workspace.open(validation=FakeValidation())
    assert old._writer.execute("PRAGMA user_version").fetchone()[0] == version
    # data written by that version (v1 has no outbox; v2 no batch labels): raw SQL of the old schema
    w: Any = old._writer
    w.execute("BEGIN IMMEDIATE")
    w.execute(
        "INSERT INTO batches (id, created_at, source_name, source_sha256, source_size, record_type, "
        "classification, sheet, mapping_json, fields_json, policy_version, as_of, first_row_id, last_row_id, "
        "row_count) VALUES (1, '2026-01-01T00:00:00+00:00', 'old.csv', 'ab', 1, 'chem', 'OSHA_INVENTORY', "
        "NULL, '{}', '[\"cas\",\"name\",\"qty\"]', 'fake-1', '2026-01-01', 1, 1, 1)"
    )
    w.execute(
        "INSERT INTO rows (id, batch_id, row_no, raw, valid, error_count, warning_count) "
        'VALUES (1, 1, 2, \'["7732-18-5","Water"]\', 1, 0, 0)'
    )
    w.execute("COMMIT")
    old.close()
    monkeypatch.undo()
    os.environ["LABSYNC_HOME"] = str(labsync_home)
    os.environ["LABSYNC_PASSPHRASE"] = "test passphrase, not a secret"
    with Workspace.open(validation=FakeValidation()) as ws:
        assert ws.info()["schema_version"] == SCHEMA_VERSION
        assert ws.row(1).raw == {"cas": "7732-18-5", "name": "Water"}
        assert ws.batch(1).label == ""
        assert ws.audit.verify().ok
        migrations = [e for e in ws.audit.entries() if e.action == "migrate"]
        assert len(migrations) == SCHEMA_VERSION - 1
        # the migrated store works end to end
        batch = ws.import_file(make_csv())
        assert ws.submit(batch.id).queued == 3


def test_newer_schema_is_refused(ws: Workspace) -> None:
    w: Any = ws._writer
    w.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    ws.close()
    with pytest.raises(UserError, match="newer LabSync"):
        Workspace.open(validation=FakeValidation())


def test_backup_and_restore_in_keyring_mode(
    memory_keyring: MemoryKeyring, make_csv: Callable[..., Path], tmp_path: Path
) -> None:
    with Workspace.open(validation=FakeValidation()) as ws:
        ws.import_file(make_csv())
        ws.backup(tmp_path / "k.lsb")
        ws.import_file(make_csv())
    with Workspace.restore(tmp_path / "k.lsb", validation=FakeValidation()) as restored:
        assert len(restored.batches()) == 1
        assert restored.audit.verify().ok
    with Workspace.open(validation=FakeValidation()) as again:  # the keyring key still opens it
        assert len(again.batches()) == 1


def test_concurrent_first_open(labsync_home: Path) -> None:
    """Several processes opening a new profile at once: one creates and migrates, the others wait and open."""
    import subprocess
    import sys

    root = str(Path(__file__).resolve().parents[2])
    code = (
        f"import sys; sys.path.insert(0, {root!r}); from app.workspace import Workspace; "
        "ws = Workspace.open(); print(ws.info()['schema_version']); ws.close()"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=os.environ.copy(),
        )
        for _ in range(4)
    ]
    outs = [p.communicate() for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [o[1][-500:] for o in outs]
    with Workspace.open(validation=FakeValidation()) as ws:
        assert ws.audit.verify().ok
        assert [e.action for e in ws.audit.entries()].count("create") == 1


def test_interrupted_keyring_rekey_is_finished_on_open(
    memory_keyring: MemoryKeyring, make_csv: Callable[..., Path]
) -> None:
    """Killed after the database switched keys but before the keyring and the audit key were updated."""
    from app.workspace.audit import AuditLog

    with Workspace.open(validation=FakeValidation()) as ws:
        ws.import_file(make_csv())

        def crash(*_a: Any, **_k: Any) -> int:
            raise KeyboardInterrupt  # the process dies inside the final transaction

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(keys_mod.KeyringStore, "promote_pending", lambda self: None)
            mp.setattr(AuditLog, "append", crash)
            with pytest.raises(KeyboardInterrupt):
                ws.rekey(None)
    assert any(account.endswith(":pending") for _s, account in memory_keyring.store)
    with Workspace.open(validation=FakeValidation()) as ws:  # the pending key opens it and is promoted
        assert len(ws.batches()) == 1
        assert ws.audit.verify().ok
    assert not any(account.endswith(":pending") for _s, account in memory_keyring.store)


def test_rekey_interrupted_before_the_database_changed(memory_keyring: MemoryKeyring) -> None:
    with Workspace.open(validation=FakeValidation()) as ws:
        old = dict(memory_keyring.store)
        real_store_pending = keys_mod.KeyringStore.store_pending

        def store_then_die(self: Any, raw: bytes) -> None:
            real_store_pending(self, raw)
            raise KeyboardInterrupt

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(keys_mod.KeyringStore, "store_pending", store_then_die)
            with pytest.raises(KeyboardInterrupt):
                ws.rekey(None)
    with Workspace.open(validation=FakeValidation()) as ws:  # still the old key; the pending one is dropped
        assert ws.audit.verify().ok
    assert memory_keyring.store == old
