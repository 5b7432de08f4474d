"""Documents tests: both storage backends (local disk; S3 through moto's standalone server on loopback)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, skip_or_fail

UPLOADS = FIXTURES / "uploads"
GOOD = sorted((UPLOADS / "good").iterdir()) if (UPLOADS / "good").is_dir() else []
BAD = sorted((UPLOADS / "bad").iterdir()) if (UPLOADS / "bad").is_dir() else []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's standalone S3-compatible server on a free loopback port, for the whole run."""
    try:
        import boto3  # noqa: F401
        import moto.server  # noqa: F401
    except ImportError:
        skip_or_fail("boto3 and moto[server] are needed for the S3 storage tests (pip install boto3 'moto[server]')")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        skip_or_fail("moto's S3 server did not start")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(params=["local", "s3"])
def backend(request: Any) -> str:
    return request.param


@pytest.fixture
def app_overrides(request: Any) -> dict[str, Any]:
    """Tests that use the `backend` fixture run against both storage backends."""
    if "backend" in request.fixturenames and request.getfixturevalue("backend") == "s3":
        endpoint = request.getfixturevalue("s3_endpoint")
        import boto3

        bucket = f"casefiles-{uuid.uuid4().hex[:12]}"
        boto3.client(
            "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
        ).create_bucket(Bucket=bucket)
        return {
            "STORAGE_BACKEND": "s3",
            "S3_ENDPOINT_URL": endpoint,
            "S3_BUCKET": bucket,
            "S3_ACCESS_KEY_ID": "test",
            "S3_SECRET_ACCESS_KEY": "test",
        }
    return {}


@pytest.fixture(autouse=True)
def _empty_storage(app: Any) -> Iterator[None]:
    """Every test starts and ends with an empty local storage folder."""
    from casefiles.documents.storage import storage_root

    root = storage_root(app)
    shutil.rmtree(root, ignore_errors=True)
    yield
    shutil.rmtree(root, ignore_errors=True)
    shutil.rmtree(Path(app.config["INSTANCE_STORAGE"]) / "upload-tmp", ignore_errors=True)


def upload(client: Any, case_id: int, files: list[tuple[bytes | Path, str]], **fields: Any) -> Any:
    """POST the upload form with these (content or path, file name) pairs."""
    import io

    data: dict[str, Any] = {"kind": "other", **fields}
    data["files"] = [
        (io.BytesIO(content.read_bytes() if isinstance(content, Path) else content), name) for content, name in files
    ]
    return client.post(
        f"/staff/cases/{case_id}/documents/new", data=data, content_type="multipart/form-data", follow_redirects=False
    )


def stored_files(app: Any) -> list[str]:
    """Every key in the storage (and any stray file), temporary uploads included for local disk."""
    from casefiles.documents.storage import get_storage, storage_root

    storage = get_storage()
    names = list(storage.keys()) + list(storage.stray_files())
    root = storage_root(app)
    if (root / ".tmp").is_dir():
        names += [f".tmp/{p.name}" for p in (root / ".tmp").iterdir()]
    return names
