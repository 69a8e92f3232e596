"""Smoke test of the frozen (PyInstaller) build, the way IT would try it on a clean machine.

Builds ``dist/labsync/`` with ``packaging/labsync.spec`` (what ``make package`` runs) unless a build newer
than every source file is already there, then runs the frozen executable, never the source tree:

- ``--version`` prints pyproject's version (read from the bundled ``resources/VERSION``);
- ``config paths`` / ``config show`` find the bundled resources and a site file;
- ``validate`` of a bundled sample copied to a temporary directory;
- ``import`` + ``batches`` + ``export`` in a temporary encrypted workspace (``LABSYNC_HOME`` +
  ``LABSYNC_PASSPHRASE``);
- the desktop app starts offscreen and quits by itself (``LABSYNC_GUI_SMOKE_QUIT_MS``), with and without
  ``--demo``.

Environment: ``LABSYNC_SMOKE_EXE=/path/to/labsync`` tests that executable instead (an installed copy);
``LABSYNC_SMOKE_REBUILD=1`` forces a rebuild.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist" / "labsync"
EXE_NAME = "labsync.exe" if sys.platform == "win32" else "labsync"
BUILD_INPUTS = ("app", "resources", "packaging/labsync.spec", "packaging/entry.py", "pyproject.toml")
GUI_QUIT_MS = 1500
SAMPLE_CSV = (
    "Container ID,Chemical Name,CAS Number,Quantity,Unit,Building,Room\n"
    "C-0001,Acetone,67-64-1,4,L,Chemistry,101\n"
    "C-0002,Sodium chloride,7647-14-5,500,g,Chemistry,101\n"
    "C-0003,Ethanol,64-17-5,-1,L,Chemistry,102\n"
)


def _newest_input_mtime() -> float:
    newest = 0.0
    for name in BUILD_INPUTS:
        path = ROOT / name
        files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file())
        for file in files:
            if "__pycache__" not in file.parts:
                newest = max(newest, file.stat().st_mtime)
    return newest


@contextlib.contextmanager
def _shared_build() -> Iterator[None]:
    """Several test runs share this working tree. Checking and (re)building takes the lock exclusively;
    running the executable holds it shared, so nobody rebuilds dist/ under a run that is using it."""
    try:
        import fcntl
    except ImportError:  # Windows: no concurrent runs to guard against in CI
        _build_if_stale()
        yield
        return
    lock_path = ROOT / "build" / ".frozen-smoke.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            _build_if_stale()
            fcntl.flock(handle, fcntl.LOCK_SH)  # downgrade: other runs may use the build, none may rebuild it
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build_if_stale() -> None:
    target = DIST / EXE_NAME
    fresh = target.exists() and target.stat().st_mtime > _newest_input_mtime()
    if not fresh or os.environ.get("LABSYNC_SMOKE_REBUILD") == "1":
        _build()


def _build() -> None:
    pyinstaller = Path(sys.executable).with_name("pyinstaller")
    command = [str(pyinstaller) if pyinstaller.exists() else "pyinstaller"]
    command += ["--noconfirm", "--distpath", str(ROOT / "dist"), "--workpath", str(ROOT / "build")]
    command += [str(ROOT / "packaging" / "labsync.spec")]
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=1500, check=False)
    if result.returncode != 0:
        pytest.fail(f"PyInstaller failed ({result.returncode}):\n{result.stderr[-6000:]}")
    print(f"\nfrozen build took {time.monotonic() - started:.0f} s", file=sys.stderr)


@pytest.fixture(scope="module")
def exe() -> Iterator[Path]:
    given = os.environ.get("LABSYNC_SMOKE_EXE")
    if given:
        yield Path(given)
        return
    if shutil.which("pyinstaller") is None and not Path(sys.executable).with_name("pyinstaller").exists():
        pytest.fail(
            "pyinstaller is not installed (pip install -e '.[packaging]'): the frozen build cannot be tested"
        )
    target = DIST / EXE_NAME
    with _shared_build():
        assert target.exists(), f"the build did not produce {target}"
        yield target


@pytest.fixture
def sandbox(tmp_path: Path) -> dict[str, str]:
    """A clean machine's environment: a private home, a passphrase, a site dir, no display, no keyring."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LABSYNC_", "PYTHON", "PYTEST", "QT_")) and key not in ("VIRTUAL_ENV",)
    }
    env.update(
        LABSYNC_HOME=str(tmp_path / "home"),
        LABSYNC_PASSPHRASE="smoke-test passphrase",
        LABSYNC_SITE_CONFIG_DIR=str(tmp_path / "site"),
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        LABSYNC_GUI_NONINTERACTIVE="1",
        HOME=str(tmp_path / "userhome"),
    )
    (tmp_path / "userhome").mkdir()
    return env


def run(
    exe: Path, *args: str, env: dict[str, str], cwd: Path, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(exe), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )


def _no_crash(result: subprocess.CompletedProcess[str], home: Path) -> None:
    crash_dir = home / "logs" / "crash"
    reports = sorted(crash_dir.glob("crash-*.txt")) if crash_dir.is_dir() else []
    details = "\n".join(r.read_text(encoding="utf-8", errors="replace")[:4000] for r in reports)
    assert "Traceback" not in result.stderr, result.stderr[-4000:]
    assert not reports, f"crash report(s) written:\n{details}"
    assert result.returncode not in (70, -11, -6), f"exit {result.returncode}\n{result.stderr[-4000:]}"


def _sample(exe: Path, workdir: Path) -> Path:
    """A bundled sample (resources/samples) copied into ``workdir``, or a small CSV when none is bundled."""
    samples = exe.parent / "_internal" / "resources" / "samples"
    candidates = sorted(p for p in samples.glob("*") if p.suffix.lower() in (".csv", ".xlsx", ".tsv", ".txt"))
    preferred = [p for p in candidates if "chem" in p.name.lower() or "inventory" in p.name.lower()]
    source = (preferred or candidates or [None])[0]
    if source is None:
        target = workdir / "inventory.csv"
        target.write_text(SAMPLE_CSV, encoding="utf-8")
        return target
    target = workdir / source.name
    shutil.copyfile(source, target)
    return target


# --- the bundle itself ---


def test_bundle_layout_and_size(exe: Path) -> None:
    internal = exe.parent / "_internal"
    resources = internal / "resources"
    with (ROOT / "pyproject.toml").open("rb") as handle:
        version = tomllib.load(handle)["project"]["version"]
    assert (resources / "VERSION").read_text(encoding="utf-8").strip() == version
    for name in ("dictionary", "policy", "icons"):
        assert (resources / name).is_dir(), f"resources/{name} is not bundled"
    names = {p.name for p in internal.rglob("*")}
    for unwanted in ("libQt6WebEngineCore.so.6", "libQt6Quick.so.6", "libQt6Qml.so.6", "libQt6Pdf.so.6"):
        assert unwanted not in names, f"{unwanted} should be excluded from the bundle"
    size = sum(p.lstat().st_size for p in exe.parent.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"\nbundle size: {size / 1e6:.0f} MB ({exe.parent})", file=sys.stderr)
    assert size < 450e6, f"the bundle grew to {size / 1e6:.0f} MB: check the Qt excludes in labsync.spec"


def test_version(exe: Path, sandbox: dict[str, str], tmp_path: Path) -> None:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        version = tomllib.load(handle)["project"]["version"]
    result = run(exe, "--version", env=sandbox, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"labsync {version}"


def test_config_paths_and_site_file(exe: Path, sandbox: dict[str, str], tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "campus-ca.pem").write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    (site / "site.toml").write_text(
        'portal_url = "https://portal.example.edu"\nca_bundle = "campus-ca.pem"\nbatch_size = 50\n'
        'locked = ["portal_url"]\n',
        encoding="utf-8",
    )
    result = run(exe, "config", "paths", "--format", "json", env=sandbox, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    paths = json.loads(result.stdout)
    assert paths["data_dir"] == str(tmp_path / "home" / "data")
    assert paths["site_config_file"] == str(site / "site.toml")
    assert Path(paths["resources_dir"]).resolve() == (exe.parent / "_internal" / "resources").resolve()

    result = run(
        exe, "config", "show", "--format", "json", env={**sandbox, "LABSYNC_BATCH_SIZE": "25"}, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout)["settings"]
    assert settings["portal_url"] == {
        "value": "https://portal.example.edu",
        "source": "site",
        "origin": str(site / "site.toml"),
        "locked": True,
    }
    assert settings["ca_bundle"]["value"] == str(site / "campus-ca.pem")
    assert settings["batch_size"]["source"] == "environment"


def test_validate_a_bundled_sample(exe: Path, sandbox: dict[str, str], tmp_path: Path) -> None:
    workdir = tmp_path / "work"
    workdir.mkdir()
    sample = _sample(exe, workdir)
    result = run(exe, "validate", sample.name, env=sandbox, cwd=workdir)
    _no_crash(result, tmp_path / "home")
    # 0: valid, 1: violations found; 2 would mean the frozen app could not read its own sample.
    assert result.returncode in (0, 1), (
        f"exit {result.returncode}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    )
    assert result.stdout.strip(), "validate printed nothing"


def _batch_id(exe: Path, env: dict[str, str], cwd: Path, import_output: str) -> str:
    result = run(exe, "batches", "--format", "json", env=env, cwd=cwd)
    if result.returncode == 0:
        data = json.loads(result.stdout)
        batches = data.get("batches", data) if isinstance(data, dict) else data
        assert batches, f"no batch listed after import:\n{result.stdout}"
        first = batches[-1]
        return str(first.get("id", first.get("batch_id")) if isinstance(first, dict) else first)
    match = re.search(r"\bbatch\s+#?(\w+)", import_output, re.IGNORECASE)
    assert match, f"cannot find the batch id: `batches --format json` failed ({result.stderr.strip()})"
    return match.group(1)


def test_import_and_export_in_a_temporary_workspace(
    exe: Path, sandbox: dict[str, str], tmp_path: Path
) -> None:
    workdir = tmp_path / "work"
    workdir.mkdir()
    sample = _sample(exe, workdir)
    result = run(exe, "import", sample.name, env=sandbox, cwd=workdir, timeout=300)
    _no_crash(result, tmp_path / "home")
    assert result.returncode in (0, 1), (
        f"import: exit {result.returncode}\n{result.stdout[-2000:]}\n{result.stderr}"
    )
    assert (tmp_path / "home" / "data" / "workspace.db").is_file(), "no workspace database was created"

    batch = _batch_id(exe, sandbox, workdir, result.stdout)
    out = workdir / "export.csv"
    result = run(exe, "export", batch, "-o", str(out), env=sandbox, cwd=workdir)
    _no_crash(result, tmp_path / "home")
    assert result.returncode in (0, 1), f"export: exit {result.returncode}\n{result.stderr}"
    assert out.is_file(), "export wrote no file"
    assert out.stat().st_size > 0, "export wrote an empty file"
    if sample.suffix.lower() == ".csv":
        with sample.open(encoding="utf-8-sig", newline="") as handle:
            source_rows = sum(1 for _ in csv.reader(handle)) - 1
        with out.open(encoding="utf-8-sig", newline="") as handle:
            exported_rows = sum(1 for _ in csv.reader(handle)) - 1
        assert exported_rows == source_rows

    # INFO logs carry no secrets and no record contents.
    logged = "\n".join(
        p.read_text(encoding="utf-8") for p in (tmp_path / "home" / "logs").glob("labsync.log*")
    )
    assert sandbox["LABSYNC_PASSPHRASE"] not in logged
    if sample.read_text(encoding="utf-8", errors="replace") == SAMPLE_CSV:
        for value in ("Acetone", "67-64-1", "Sodium chloride"):
            assert value not in logged, f"record contents ({value}) in the INFO log"

    # The workspace is encrypted: a wrong passphrase is one clear line and exit 2, not a crash.
    wrong = {**sandbox, "LABSYNC_PASSPHRASE": "not the passphrase"}
    result = run(exe, "batches", env=wrong, cwd=workdir)
    assert result.returncode == 2, result.stderr
    assert "cannot unlock the workspace" in result.stderr


@pytest.mark.parametrize("args", [(), ("--demo",)], ids=["workspace", "demo"])
def test_gui_starts_offscreen_and_quits_cleanly(
    exe: Path, sandbox: dict[str, str], tmp_path: Path, args: tuple[str, ...]
) -> None:
    env = {**sandbox, "LABSYNC_GUI_SMOKE_QUIT_MS": str(GUI_QUIT_MS)}
    started = time.monotonic()
    try:
        result = run(exe, *args, env=env, cwd=tmp_path, timeout=120)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(
            "the desktop app did not quit within 120 s: app.gui must quit by itself after "
            f"LABSYNC_GUI_SMOKE_QUIT_MS={GUI_QUIT_MS} ms\n{(exc.stderr or b'')[-3000:]!r}"
        )
    _no_crash(result, tmp_path / "home")
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stderr[-4000:]}"
    elapsed = time.monotonic() - started
    assert elapsed >= GUI_QUIT_MS / 1000, "the app exited before the smoke timer: did the window ever open?"
    log_file = tmp_path / "home" / "logs" / "labsync.log"
    assert log_file.is_file(), "the app wrote no log file"
