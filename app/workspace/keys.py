"""Workspace keys: where the database key comes from, and the audit-chain HMAC key kept beside it.

Order of precedence when a workspace is opened:

1. A passphrase given by the caller, or ``LABSYNC_PASSPHRASE``: it is used and the keyring is never consulted
   (automation, tests). It is stretched exactly as SQLCipher 4 does (PBKDF2-HMAC-SHA512, 256,000 iterations,
   with
   the 16-byte salt at the start of the database file), so the ``sqlcipher`` shell opens the file with the
   same
   passphrase; we derive the key once and give every connection the raw key, so extra reader connections cost
   nothing.
2. The OS keyring (Windows Credential Manager, macOS Keychain, Secret Service, KWallet): on first use a random
   256-bit key is created and stored there; the database is keyed with it as a raw key (no KDF).
   Backends that keep secrets in a plain or file-based store (``keyrings.alt``, anything "plaintext") and the
   ``fail``/``null`` backends are refused.
3. No usable keyring: an interactive prompt (``getpass``) when stdin is a terminal, else a :class:`UserError`
   telling the user to set ``LABSYNC_PASSPHRASE``.

The audit chain's HMAC key is a random 256-bit key created with the workspace. It is stored in the database
only
wrapped (XOR) with a key-encryption key derived by HKDF-SHA256 from the database key, never in clear. Rekeying
re-wraps it, so the chain's HMACs stay valid. Holding the database key therefore also gives the audit key: the
HMAC
detects a rewritten chain by anyone who can read the file without the key material (e.g. a restored or copied
file edited with another key), not a forger who holds the key.

Nothing here logs a key or a passphrase, and no exception message contains one. :class:`DbKey` hides its bytes
from
``repr``.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import json
import os
import secrets
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.errors import UserError

PASSPHRASE_ENV = "LABSYNC_PASSPHRASE"  # noqa: S105 (a variable name)
NEW_PASSPHRASE_ENV = "LABSYNC_NEW_PASSPHRASE"  # noqa: S105
KEYRING_SERVICE = "LabSync workspace key"
KDF_ITER = 256_000  # SQLCipher 4 default
KEY_BYTES = 32
SALT_BYTES = 16

SOURCE_PASSPHRASE = "passphrase"  # noqa: S105 (a label)
SOURCE_KEYRING = "keyring"


@dataclass(frozen=True)
class DbKey:
    """A 256-bit raw database key (never printed). ``salt`` is set only for a database not yet created."""

    raw: bytes = field(repr=False)
    source: str
    salt: bytes | None = field(default=None, repr=False)

    def pragma(self) -> str:
        """The value for ``PRAGMA key``/``PRAGMA rekey`` (a raw key, with the salt when creating)."""
        suffix = self.salt.hex() if self.salt is not None else ""
        return f"\"x'{self.raw.hex()}{suffix}'\""

    def __repr__(self) -> str:  # belt and braces: dataclass repr already hides raw
        return f"DbKey(source={self.source!r})"


def passphrase_key(passphrase: str, salt: bytes) -> bytes:
    """SQLCipher 4's key derivation for a passphrase (NFC-normalized, UTF-8)."""
    if not passphrase:
        raise UserError("the passphrase must not be empty")
    data = unicodedata.normalize("NFC", passphrase).encode("utf-8")
    return hashlib.pbkdf2_hmac("sha512", data, salt, KDF_ITER, KEY_BYTES)


def read_salt(db_path: Path) -> bytes | None:
    """The KDF salt SQLCipher keeps in the first 16 bytes of the file, or None for a missing/empty file."""
    try:
        with db_path.open("rb") as fh:
            head = fh.read(SALT_BYTES)
    except FileNotFoundError:
        return None
    return head if len(head) == SALT_BYTES else None


def key_from_passphrase(passphrase: str, db_path: Path) -> DbKey:
    """The key for ``db_path`` from a passphrase: with the file's salt, or a fresh salt for a new file."""
    salt = read_salt(db_path)
    if salt is None:
        salt = secrets.token_bytes(SALT_BYTES)
        return DbKey(passphrase_key(passphrase, salt), SOURCE_PASSPHRASE, salt)
    return DbKey(passphrase_key(passphrase, salt), SOURCE_PASSPHRASE)


def env_passphrase(name: str = PASSPHRASE_ENV) -> str | None:
    value = os.environ.get(name)
    return value if value else None


# --- keyring ------------------------------------------------------------------------------------------------


def _acceptable_backend(backend: Any) -> bool:
    module = type(backend).__module__
    name = type(backend).__name__
    if module.startswith(("keyring.backends.fail", "keyring.backends.null", "keyring.backends.chainer")):
        return False
    if module.startswith("keyrings.alt") or "plaintext" in name.lower() or "plaintext" in module.lower():
        return False
    try:
        priority = float(getattr(backend, "priority", 0))
    except Exception:  # a backend whose priority check itself fails is not usable
        return False
    return priority > 0


def usable_keyring() -> Any | None:
    """The best OS keyring backend we accept, or None (fail/null/plaintext/file backends are refused)."""
    try:
        import keyring
        from keyring.backends import chainer
    except Exception:
        return None
    try:
        current = keyring.get_keyring()
    except Exception:
        return None
    candidates = list(current.backends) if isinstance(current, chainer.ChainerBackend) else [current]
    good = [b for b in candidates if _acceptable_backend(b)]
    if not good:
        return None
    return max(good, key=lambda b: float(getattr(b, "priority", 0)))


def keyring_account(db_path: Path) -> str:
    return f"db:{db_path.resolve()}"


class KeyringStore:
    """The workspace key (and a pending one during rekey) in the OS keyring, as hex."""

    def __init__(self, backend: Any, db_path: Path) -> None:
        self._backend = backend
        self._account = keyring_account(db_path)

    def _get(self, account: str) -> bytes | None:
        try:
            value = self._backend.get_password(KEYRING_SERVICE, account)
        except Exception as exc:
            raise UserError(f"the OS keyring could not be read ({type(exc).__name__})") from None
        if not value:
            return None
        try:
            raw = bytes.fromhex(value)
        except ValueError:
            return None
        return raw if len(raw) == KEY_BYTES else None

    def _set(self, account: str, raw: bytes) -> None:
        try:
            self._backend.set_password(KEYRING_SERVICE, account, raw.hex())
        except Exception as exc:
            raise UserError(
                f"the OS keyring refused to store the workspace key ({type(exc).__name__})"
            ) from None

    def _delete(self, account: str) -> None:
        try:
            self._backend.delete_password(KEYRING_SERVICE, account)
        except Exception:  # absent already: nothing to delete
            return

    def current(self) -> bytes | None:
        return self._get(self._account)

    def pending(self) -> bytes | None:
        return self._get(self._account + ":pending")

    def store(self, raw: bytes) -> None:
        self._set(self._account, raw)

    def store_pending(self, raw: bytes) -> None:
        self._set(self._account + ":pending", raw)

    def promote_pending(self) -> None:
        raw = self.pending()
        if raw is not None:
            self.store(raw)
            self._delete(self._account + ":pending")

    def drop_pending(self) -> None:
        self._delete(self._account + ":pending")

    def forget(self) -> None:
        self._delete(self._account)
        self._delete(self._account + ":pending")


# --- prompting ----------------------------------------------------------------------------------------------

Prompt = Callable[[str], str]


def is_interactive() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def prompt_passphrase(
    *, confirm: bool, prompt: Prompt | None = None, what: str = "workspace passphrase"
) -> str:
    ask = prompt or getpass.getpass
    first = ask(f"LabSync {what}: ")
    if not first:
        raise UserError("the passphrase must not be empty")
    if confirm and ask(f"LabSync {what} (again): ") != first:
        raise UserError("the passphrases do not match")
    return first


NO_KEY_MESSAGE = (
    "the workspace is locked with a passphrase and no usable OS keyring was found: "
    f"set {PASSPHRASE_ENV} or run interactively"
)


@dataclass
class ResolvedKey:
    """The key for a workspace and, in keyring mode, the store it came from (for rekey)."""

    key: DbKey
    keyring: KeyringStore | None = None
    alternatives: list[DbKey] = field(default_factory=list, repr=False)  # e.g. a pending rekey key


def resolve_key(
    db_path: Path,
    *,
    passphrase: str | None = None,
    interactive: bool | None = None,
    prompt: Prompt | None = None,
) -> ResolvedKey:
    """Decide which key opens (or creates) the workspace at ``db_path``; see the module docstring."""
    exists = read_salt(db_path) is not None
    chosen = passphrase if passphrase is not None else env_passphrase()
    if chosen is not None:
        return ResolvedKey(key_from_passphrase(chosen, db_path))
    backend = usable_keyring()
    if backend is not None:
        store = KeyringStore(backend, db_path)
        raw = store.current()
        pending = store.pending()
        if raw is not None:
            alts = [DbKey(pending, SOURCE_KEYRING)] if pending is not None else []
            return ResolvedKey(DbKey(raw, SOURCE_KEYRING), store, alts)
        if pending is not None:
            return ResolvedKey(DbKey(pending, SOURCE_KEYRING), store)
        if not exists:
            raw = secrets.token_bytes(KEY_BYTES)
            store.store(raw)
            return ResolvedKey(DbKey(raw, SOURCE_KEYRING), store)
        # an existing workspace with no keyring entry was created with a passphrase
    if interactive is None:
        interactive = is_interactive()
    if not interactive and prompt is None:
        raise UserError(NO_KEY_MESSAGE)
    typed = prompt_passphrase(confirm=not exists, prompt=prompt)
    return ResolvedKey(key_from_passphrase(typed, db_path))


# --- the audit HMAC key -------------------------------------------------------------------------------------


def hkdf_sha256(ikm: bytes, salt: bytes, info: bytes, length: int = 32) -> bytes:
    """HKDF (RFC 5869) with SHA-256."""
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    out = b""
    block = b""
    counter = 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


_WRAP_INFO = b"labsync audit-key wrap v1"
_CHECK_INFO = b"labsync audit-key check v1"


def wrap_audit_key(audit_key: bytes, db_key: DbKey) -> str:
    """The audit key wrapped with a KEK derived from the database key, as JSON for the meta table."""
    salt = secrets.token_bytes(SALT_BYTES)
    kek = hkdf_sha256(db_key.raw, salt, _WRAP_INFO, len(audit_key))
    check = hkdf_sha256(db_key.raw, salt, _CHECK_INFO, 16)
    wrapped = bytes(a ^ b for a, b in zip(audit_key, kek, strict=True))
    return json.dumps({"v": 1, "salt": salt.hex(), "wrapped": wrapped.hex(), "check": check.hex()})


def unwrap_audit_key(blob: str, db_key: DbKey) -> bytes | None:
    """The audit key, or None when ``blob`` was wrapped with another database key."""
    try:
        data = json.loads(blob)
        salt = bytes.fromhex(data["salt"])
        wrapped = bytes.fromhex(data["wrapped"])
        check = bytes.fromhex(data["check"])
    except (ValueError, KeyError, TypeError):
        return None
    if not hmac.compare_digest(hkdf_sha256(db_key.raw, salt, _CHECK_INFO, 16), check):
        return None
    kek = hkdf_sha256(db_key.raw, salt, _WRAP_INFO, len(wrapped))
    return bytes(a ^ b for a, b in zip(wrapped, kek, strict=True))


def new_audit_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)
