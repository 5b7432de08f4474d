"""Reading scanned documents: pages per minute for a scanned PDF (10 pages by default), read as uploads are, by
the bounded text worker calling Tesseract (English and French). The scan is made here with Pillow.

    python bench/bench_ocr.py               # a 10-page scanned letter, read 3 times
    python bench/bench_ocr.py --pages 20 --runs 1
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image, ImageDraw, ImageFont  # noqa: E402

from casefiles.documents.detection import PDF  # noqa: E402
from casefiles.documents.extraction import extract  # noqa: E402

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
WORDS = (
    "la direction a suspendu l'enseignante pour une publication sur les réseaux sociaux nous demandons sa "
    "réintégration the board dismissed the nurse after an interview about hospital policy we ask for a review"
).split()


def scanned_pdf(pages: int, seed: int = 3) -> bytes:
    """A letter-size scan at 200 dpi: every page a picture of 30 lines of text, no text layer."""
    rng = random.Random(seed)
    font = ImageFont.truetype(str(FONT), 30) if FONT.exists() else ImageFont.load_default(size=30)
    images = []
    for _ in range(pages):
        image = Image.new("L", (1700, 2200), 255)
        draw = ImageDraw.Draw(image)
        for line in range(30):
            draw.text((150, 150 + line * 62), " ".join(rng.choice(WORDS) for _ in range(9)), fill=0, font=font)
        images.append(image)
    out = io.BytesIO()
    images[0].save(out, format="PDF", resolution=200, save_all=True, append_images=images[1:])
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="casefiles-ocr-") as folder:
        path = Path(folder) / "scan.pdf"
        path.write_bytes(scanned_pdf(args.pages))
        rates = []
        for run in range(1, args.runs + 1):
            t0 = time.perf_counter()
            result = extract(PDF, path)
            seconds = time.perf_counter() - t0
            words = len(result.text.split())
            rates.append(args.pages / seconds * 60)
            print(
                f"run {run}: {args.pages} pages in {seconds:.1f} s = {rates[-1]:.0f} pages/minute, "
                f"{words} words, confidence {result.ocr_confidence}"
            )
    print(f"best {max(rates):.0f} pages/minute, worst {min(rates):.0f} pages/minute (one worker, one thread)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
