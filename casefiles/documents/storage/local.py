"""Local disk storage: <root>/<first two hex digits>/<key>, temporary uploads in <root>/.tmp."""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from casefiles.documents.storage import KEY_PATTERN, HashingTempFile, Storage, StorageError, check_key

TEMP_FOLDER = ".tmp"


class LocalStorage(Storage):
    """Files on the local disk, in the instance folder unless STORAGE_DIR says otherwise."""

    def __init__(self, root: Path) -> None:
        super().__init__(root / TEMP_FOLDER)
        self.root = root

    def _path(self, key: str) -> Path:
        check_key(key)
        return self.root / key[:2] / key

    def put(self, key: str, temp: HashingTempFile) -> None:
        target = self._path(key)
        temp.finish()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.replace(temp.path, target)  # atomic: the name appears only once the bytes are all there
            except OSError as error:
                if error.errno != errno.EXDEV:
                    raise
                staging = target.with_name(f".{key}.part")
                shutil.copyfile(temp.path, staging)
                os.replace(staging, target)
                temp.path.unlink(missing_ok=True)
            temp.claimed = True
        except OSError as error:
            raise StorageError(str(error)) from error
        finally:
            temp.close()

    def open(self, key: str) -> IO[bytes]:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def keys(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if folder.name.startswith(".") or not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                if KEY_PATTERN.match(path.name) and path.name[:2] == folder.name:
                    yield path.name

    def stray_files(self) -> list[str]:
        """Files in the storage folder that are not ours at all (shown by the storage check)."""
        stray = []
        if self.root.is_dir():
            for path in sorted(self.root.rglob("*")):
                rel = path.relative_to(self.root)
                if rel.parts[0] == TEMP_FOLDER or path.is_dir():
                    continue
                if not (len(rel.parts) == 2 and KEY_PATTERN.match(rel.parts[1]) and rel.parts[1][:2] == rel.parts[0]):
                    stray.append(rel.as_posix())
        return stray

    def local_path(self, key: str) -> Path | None:
        return self._path(key)
