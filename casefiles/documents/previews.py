"""Small PNG previews (images, first page of PDFs) and the re-encoded public copy of images (no EXIF, no GPS)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from casefiles.documents.detection import IMAGES, MAX_IMAGE_PIXELS, PDF
from casefiles.documents.storage import HashingTempFile

PREVIEW_SIZE = (480, 480)
PDFTOPPM_TIMEOUT = 20


def _save_png_preview(source: Path, out: HashingTempFile) -> None:
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    with Image.open(source) as image:
        image.seek(0)
        picture = ImageOps.exif_transpose(image)
        picture = picture.convert("RGBA" if picture.mode in ("RGBA", "LA", "P") else "RGB")
        picture.thumbnail(PREVIEW_SIZE)
        picture.save(out, format="PNG", optimize=True)  # a fresh PNG: no EXIF, no text chunks carried over


def make_preview(mime_type: str, source: Path, out: HashingTempFile) -> bool:
    """Write a PNG preview into `out`; False when this type has none or the renderer is unavailable."""
    if mime_type in IMAGES:
        _save_png_preview(source, out)
        return True
    pdftoppm = shutil.which("pdftoppm")
    if mime_type == PDF and pdftoppm:
        with tempfile.TemporaryDirectory(prefix="preview-") as folder:
            stem = Path(folder) / "page"
            try:
                subprocess.run(  # noqa: S603 - fixed program, our own arguments
                    [
                        pdftoppm,
                        "-png",
                        "-f",
                        "1",
                        "-l",
                        "1",
                        "-singlefile",
                        "-scale-to",
                        "480",
                        str(source),
                        str(stem),
                    ],
                    check=True,
                    timeout=PDFTOPPM_TIMEOUT,
                    capture_output=True,
                )
            except (subprocess.SubprocessError, OSError):
                return False
            page = stem.with_suffix(".png")
            if not page.is_file():
                return False
            _save_png_preview(page, out)
        return True
    return False


def make_public_image(mime_type: str, source: Path, out: HashingTempFile) -> bool:
    """Re-encode an image without any metadata (EXIF, GPS, XMP, comments) for public eyes."""
    from PIL import Image, ImageOps

    if mime_type not in IMAGES:
        return False
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    with Image.open(source) as image:
        image.seek(0)
        picture = ImageOps.exif_transpose(image)  # keep the orientation the EXIF asked for, then drop the EXIF
        fmt = IMAGES[mime_type]
        if fmt == "JPEG":
            picture.convert("RGB").save(out, format="JPEG", quality=90)
        elif fmt == "GIF":
            picture.save(out, format="GIF")
        elif fmt == "WEBP":
            picture.save(out, format="WEBP", quality=90)
        else:
            picture.convert("RGBA" if picture.mode in ("RGBA", "LA", "P") else "RGB").save(out, format="PNG")
    return True
