"""A phone photo of a signed page, read like a scanned page; an activity photo left a picture.

Which is which is decided by the OCR's text detector alone (no recognition): a page of text
shows many text lines over much of the frame, a photo of a stage or a banner a few. The
detector runs on the photo shrunk to 960 pixels (JPEG decoded at that size directly), so an
activity photo costs the detector only, never a recognition. A page is then recognised as
an A4 page rendered for OCR would be (595 points wide at the OCR's 150 dpi), so a photo and
the same photo in a PDF read alike; seal text is dropped as on scanned PDFs.
"""

from __future__ import annotations

import io
import time

from pipeline.model import Document, Metadata, Source
from pipeline.readers import ocr
from pipeline.readers.fixed import FixedPage, assemble

DETECT_SIDE = 960  # pixels of the longer side the detector sees
READ_SIDE = 2400  # and the recognition
MIN_LINES = 10  # text lines a page of a report shows at least
MIN_TEXT_SHARE = 0.08  # of the frame covered by text boxes
PAGE_WIDTH_PT = 595.0  # a photographed page is taken as A4 wide

last_detect_ms: float | None = None  # for measurements (bench, tests)


def read_photo(data: bytes, source: Source, options: ocr.OcrOptions | None = None) -> Document | None:
    """The page the photo shows, or None when it is not a page of text (or cannot be read)."""
    return read_photos([data], source, options)[0]


def read_photos(
    photos: list[bytes], source: Source, options: ocr.OcrOptions | None = None
) -> tuple[Document | None, list[int]]:
    """Photos of one document's pages (in page order) as one document, and which photos were
    its pages; (None, []) when the first is not a page of text. Later photos that are not
    pages are left out (read on their own)."""
    options = options or ocr.OcrOptions()
    if not ocr.available(options):
        return None, []
    pages, recognised, used = [], {}, []
    for n, data in enumerate(photos):
        if not is_page_photo(data, options):
            if n == 0:
                return None, []
            continue
        used.append(n)
        image = _pixels(data, READ_SIDE, width=round(PAGE_WIDTH_PT / 72 * ocr.DPI))
        height, width = image.shape[:2]
        page = FixedPage(PAGE_WIDTH_PT, PAGE_WIDTH_PT * height / width)
        recognised[len(pages)] = ocr.ocr_image(image, page.width, page.height, options.threads)
        pages.append(page)
    doc = Document(source=source, metadata=Metadata(), pages=len(pages), images=len(pages))
    return assemble(doc, pages, recognised, True), used


def is_page_photo(data: bytes, options: ocr.OcrOptions | None = None) -> bool:
    """The detector's word on one photo: a page of text? (False for what Pillow cannot open.)"""
    global last_detect_ms
    try:
        small = _pixels(data, DETECT_SIDE)
    except (OSError, ValueError):  # not a picture Pillow can open (HEIC without a plugin): a picture
        return False
    started = time.perf_counter()
    boxes, _ = ocr.detector((options or ocr.OcrOptions()).threads)(small)
    last_detect_ms = (time.perf_counter() - started) * 1000
    return is_page(boxes, small.shape[1], small.shape[0])


def is_page(boxes, width: int, height: int) -> bool:
    """Many text lines over much of the frame: a page of a report, not a scene."""
    if boxes is None or len(boxes) < MIN_LINES:
        return False
    covered = 0.0
    for box in boxes:
        xs, ys = [p[0] for p in box], [p[1] for p in box]
        covered += (max(xs) - min(xs)) * (max(ys) - min(ys))
    return covered / (width * height) >= MIN_TEXT_SHARE


def _pixels(data: bytes, side: int, width: int | None = None):
    import numpy as np
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (side, side))  # a JPEG decodes at a fraction of its size: fast
        image = ImageOps.exif_transpose(image)  # a phone held upright writes the turn in EXIF
        image = image.convert("RGB")
        if width and image.width > image.height * 0.5:  # as an A4 page rendered for OCR would be
            image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
        else:
            image.thumbnail((side, side))
        return np.asarray(image)
