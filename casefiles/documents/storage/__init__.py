"""Where document bytes live: one interface, two backends (local disk by default, S3-compatible object storage).

Keys are random hex names chosen by us (never a user's file name), so no path can be smuggled in. Uploads are
first streamed into a private temporary folder while hashing, then moved into place in one step.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from flask import Flask, current_app

KEY_PATTERN = re.compile(r"^[0-9a-f]{32}$")
CHUNK = 1024 * 1024


class StorageError(RuntimeError):
    """The storage backend failed (disk full, bucket unreachable...)."""


def new_key() -> str:
    """A random storage name: 128 bits, lowercase hex."""
    return secrets.token_hex(16)


def check_key(key: str) -> str:
    """Refuse anything that is not one of our own random names (no traversal, no separators)."""
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise ValueError("invalid storage key")
    return key


def sha256_of(stream: IO[bytes]) -> tuple[str, int]:
    """(SHA-256 hex, size) of a stream, read in chunks."""
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


class HashingTempFile:
    """A write-once temporary file that hashes what is written to it; removed on close unless claimed."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="upload-", suffix=".part", dir=folder)
        self.path = Path(name)
        self._file = os.fdopen(fd, "w+b")
        self._digest = hashlib.sha256()
        self.size = 0
        self.claimed = False

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        self.size += len(data)
        return self._file.write(data)

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def read(self, size: int = -1) -> bytes:
        return self._file.read(size)

    def flush(self) -> None:
        self._file.flush()

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    @property
    def closed(self) -> bool:
        return self._file.closed

    def finish(self) -> None:
        """Flush to disk before the file is moved or read by another process."""
        if not self._file.closed:
            self._file.flush()
            os.fsync(self._file.fileno())

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()
        if not self.claimed:
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> HashingTempFile:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._file)


@dataclass
class StoredObject:
    key: str
    size: int


class Storage(ABC):
    """The operations documents need from a storage backend."""

    def __init__(self, temp_dir: Path) -> None:
        self.temp_dir = temp_dir

    def temp_file(self) -> HashingTempFile:
        """A new hashing temporary file in the storage's private temporary folder."""
        return HashingTempFile(self.temp_dir)

    @abstractmethod
    def put(self, key: str, temp: HashingTempFile) -> None:
        """Move a finished temporary file under `key` in one step (the temporary file is consumed)."""

    @abstractmethod
    def open(self, key: str) -> IO[bytes]:
        """A binary stream of the stored object (FileNotFoundError when missing)."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; no error when it is already gone."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """True when the object is stored."""

    @abstractmethod
    def keys(self) -> Iterator[str]:
        """Every stored key (temporary files excluded)."""

    def local_path(self, key: str) -> Path | None:
        """The file on local disk, when the backend has one (lets the web server send it efficiently)."""
        return None

    def hash(self, key: str) -> str:
        """SHA-256 of the stored object, re-read from the backend."""
        with self.open(key) as stream:
            return sha256_of(stream)[0]


def storage_root(app: Flask) -> Path:
    """STORAGE_DIR, or <instance>/storage: outside any static folder."""
    configured = app.config.get("STORAGE_DIR")
    if configured:
        return Path(configured)
    return Path(app.config.get("INSTANCE_STORAGE") or app.instance_path) / "storage"


def _setting(app: Flask, name: str, default: str = "") -> str:
    # The environment reaches app.config through config.SETTINGS (CASEFILES_STORAGE_BACKEND -> STORAGE_BACKEND ...),
    # where a misspelt or ignored name stops the app instead of being silently skipped here.
    return str(app.config.get(name) or default)


def build_storage(app: Flask) -> Storage:
    """The backend the configuration chooses: STORAGE_BACKEND (CASEFILES_STORAGE_BACKEND) local (default) or s3."""
    backend = _setting(app, "STORAGE_BACKEND", "local").lower()
    root = storage_root(app)
    if backend == "s3":
        from casefiles.documents.storage.s3 import S3Storage

        return S3Storage(
            temp_dir=Path(app.config.get("INSTANCE_STORAGE") or app.instance_path) / "upload-tmp",
            bucket=_setting(app, "S3_BUCKET"),
            prefix=_setting(app, "S3_PREFIX", "documents/"),
            endpoint_url=_setting(app, "S3_ENDPOINT_URL") or None,
            region=_setting(app, "S3_REGION", "us-east-1"),
            # Unset: boto3 finds the keys itself (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or the machine's role).
            access_key=_setting(app, "S3_ACCESS_KEY_ID") or None,
            secret_key=_setting(app, "S3_SECRET_ACCESS_KEY") or None,
        )
    from casefiles.documents.storage.local import LocalStorage

    return LocalStorage(root)


def get_storage() -> Storage:
    """The application's storage backend (built once per application)."""
    storage = current_app.extensions.get("casefiles.storage")
    if storage is None:
        storage = build_storage(current_app)
        current_app.extensions["casefiles.storage"] = storage
    return storage
