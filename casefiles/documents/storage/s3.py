"""S3-compatible object storage (AWS S3, MinIO, Ceph...), configured by environment; boto3 streams both ways."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO

from casefiles.documents.storage import KEY_PATTERN, HashingTempFile, Storage, StorageError, check_key


class S3Storage(Storage):
    """Objects named <prefix><key> in one bucket; uploads are multipart and streamed from the temporary file."""

    def __init__(
        self,
        *,
        temp_dir: Path,
        bucket: str,
        prefix: str = "documents/",
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        access_key: str | None = None,
        secret_key: str | None = None,
    ) -> None:
        super().__init__(temp_dir)
        import boto3
        from botocore.config import Config

        if not bucket:
            raise StorageError("CASEFILES_S3_BUCKET is not set")
        self.bucket = bucket
        self.prefix = prefix
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            config=Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=60),
        )

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, temp: HashingTempFile) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        temp.finish()
        try:
            # The object only becomes visible when the (multipart) upload completes: no half-written object.
            self.client.upload_file(
                str(temp.path), self.bucket, self._name(key), ExtraArgs={"ContentType": "application/octet-stream"}
            )
        except (BotoCoreError, ClientError) as error:
            raise StorageError(str(error)) from error
        finally:
            temp.close()

    def open(self, key: str) -> IO[bytes]:
        from botocore.exceptions import ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(key) from error
            raise StorageError(str(error)) from error
        return response["Body"]

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError:
            return False
        return True

    def keys(self) -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                name = item["Key"][len(self.prefix) :]
                if KEY_PATTERN.match(name):
                    yield name

    def stray_files(self) -> list[str]:
        """Objects under the prefix that are not ours."""
        stray = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                if not KEY_PATTERN.match(item["Key"][len(self.prefix) :]):
                    stray.append(item["Key"])
        return stray
