"""The intake key: what seals a help request's text, contact details and files before they reach the database.

The keys never live in the database. They come from INTAKE_KEYS (Fernet keys separated by commas or spaces,
newest first; the environment variable CASEFILES_INTAKE_KEYS), or else from a key file (INTAKE_KEY_FILE, by
default `intake.keys` in the instance folder), one key a line, newest first. The newest key seals; every key
listed opens (MultiFernet), so a rotation can re-encrypt row by row while the site keeps running.

The key file is read again whenever it changes on disk, so every worker follows a rotation without a restart.
Outside production a missing key file is created (mode 0600) on first use; production refuses to run the
intake without a key (`flask intake new-key` makes one).
"""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path
from typing import Any

from flask import current_app

SEALED_ADDRESS_PREFIX = "sealed:"
_KEY = re.compile(r"^[A-Za-z0-9_-]{43}=$")
_cache: dict[str, tuple[float, list[str]]] = {}
_lock = threading.Lock()


class IntakeKeyError(RuntimeError):
    """No usable intake key: the intake cannot seal or open anything."""


def key_file() -> Path:
    """Where the key file is (used when INTAKE_KEYS is not set)."""
    configured = current_app.config.get("INTAKE_KEY_FILE")
    return Path(configured) if configured else Path(current_app.instance_path) / "intake.keys"


def parse_keys(text: str) -> list[str]:
    """The keys of a key list (commas, spaces or lines; `#` starts a comment); IntakeKeyError if one is bad."""
    keys = []
    for line in text.splitlines():
        for item in re.split(r"[,\s]+", line.split("#", 1)[0]):
            if not item:
                continue
            if not _KEY.match(item):
                raise IntakeKeyError("An intake key is not a Fernet key (44 characters of URL-safe base64).")
            keys.append(item)
    return keys


def write_key_file(path: Path, keys: list[str]) -> None:
    """Replace the key file in one step, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".new")
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write("# Casefiles intake keys, newest first. Keep a copy apart from the database backups.\n")
        out.write("\n".join(keys) + "\n")
    os.replace(temp, path)


def _file_keys(path: Path) -> list[str]:
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        if not current_app.config.get("INTAKE_CREATE_KEY", False):
            raise IntakeKeyError(f"No intake key: run `flask intake new-key` (expected in {path}).") from None
        with _lock:
            if not path.exists():
                from cryptography.fernet import Fernet

                write_key_file(path, [Fernet.generate_key().decode()])
        stamp = path.stat().st_mtime_ns
    cached = _cache.get(str(path))
    if cached and cached[0] == stamp:
        return cached[1]
    keys = parse_keys(path.read_text())
    if not keys:
        raise IntakeKeyError(f"The intake key file {path} holds no key.")
    _cache[str(path)] = (stamp, keys)
    return keys


def current_keys() -> list[str]:
    """The intake keys, newest first."""
    configured = current_app.config.get("INTAKE_KEYS")
    if configured:
        keys = parse_keys(configured) if isinstance(configured, str) else list(configured)
        if keys:
            return keys
    return _file_keys(key_file())


def _fernet() -> Any:
    # cryptography is imported when an intake is sealed or opened, not when a web worker starts.
    from cryptography.fernet import Fernet, MultiFernet

    return MultiFernet([Fernet(k.encode()) for k in current_keys()])


def _invalid_token() -> type[Exception]:
    from cryptography.fernet import InvalidToken

    return InvalidToken


def seal(data: bytes) -> bytes:
    """Encrypt and authenticate with the newest key."""
    return _fernet().encrypt(data)


def unseal(token: bytes) -> bytes:
    """Decrypt with any listed key; IntakeKeyError when none opens it (a key was dropped too early)."""
    try:
        return _fernet().decrypt(bytes(token))
    except _invalid_token():
        raise IntakeKeyError(
            "No intake key opens this submission: was a key removed before the rotation ended?"
        ) from None


def reseal(token: bytes) -> bytes:
    """The same content sealed with the newest key (for a rotation)."""
    try:
        return _fernet().rotate(bytes(token))
    except _invalid_token():
        raise IntakeKeyError(
            "No intake key opens this submission: was a key removed before the rotation ended?"
        ) from None


def seal_json(value: Any) -> bytes:
    return seal(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode())


def unseal_json(token: bytes) -> Any:
    return json.loads(unseal(token).decode())


def seal_address(address: str) -> str:
    """An email address as the outbox keeps it for a confidential message: opened only when it is sent."""
    return SEALED_ADDRESS_PREFIX + seal(address.encode()).decode()


def open_address(stored: str) -> str:
    """The address a message goes to (sealed addresses opened)."""
    if stored.startswith(SEALED_ADDRESS_PREFIX):
        return unseal(stored[len(SEALED_ADDRESS_PREFIX) :].encode()).decode()
    return stored
