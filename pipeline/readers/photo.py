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

import numpy as np

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
    its pages; (None, []) when the first is not a page of text. A later photo is a page
    too when it shows a sheet of paper with any text on it (a last page with the 落款 and
    pictures, a page with the end of a sentence); one that is not is left out (read on its
    own)."""
    options = options or ocr.OcrOptions()
    if not ocr.available(options):
        return None, []
    used = page_photos(photos, options)
    if not used:
        return None, []
    pages, recognised = [], {}
    for n in used:
        data = photos[n]
        image = page_image(_pixels(data, READ_SIDE), round(PAGE_WIDTH_PT / 72 * ocr.DPI))
        height, width = image.shape[:2]
        page = FixedPage(PAGE_WIDTH_PT, PAGE_WIDTH_PT * height / width)
        recognised[len(pages)] = ocr.ocr_image(image, page.width, page.height, options.threads)
        pages.append(page)
    doc = Document(source=source, metadata=Metadata(), pages=len(pages), images=len(pages))
    return assemble(doc, pages, recognised, True), used


def page_photos(photos: list[bytes], options: ocr.OcrOptions | None = None) -> list[int]:
    """Which of a document's photos (in page order) are its pages: none when the first is not
    a page of text; a later one when it is a page or shows a sheet with text on it."""
    if not photos or not is_page_photo(photos[0], options):
        return []
    return [0] + [n for n in range(1, len(photos)) if is_page_photo(photos[n], options, later=True)]


def decodable(data: bytes) -> bool:
    """Whether Pillow can open the picture at all (a HEIC photo needs a plugin not installed)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size[0] > 0
    except (OSError, ValueError):
        return False


def is_page_photo(data: bytes, options: ocr.OcrOptions | None = None, later: bool = False) -> bool:
    """The detector's word on one photo: a page of text? (False for what Pillow cannot open.)
    `later`: a photo sent as a later page of a document whose first photo is a page, which
    is one when a sheet of paper with a line of text on it is seen."""
    global last_detect_ms
    try:
        small = _pixels(data, DETECT_SIDE)
    except (OSError, ValueError):  # not a picture Pillow can open (HEIC without a plugin): a picture
        return False
    started = time.perf_counter()
    boxes, _ = ocr.detector((options or ocr.OcrOptions()).threads)(small)
    last_detect_ms = (time.perf_counter() - started) * 1000
    if is_page(boxes, small.shape[1], small.shape[0]):
        return True
    return later and boxes is not None and len(boxes) > 0 and paper_corners(small) is not None


def is_page(boxes, width: int, height: int) -> bool:
    """Many text lines over much of the frame: a page of a report, not a scene."""
    if boxes is None or len(boxes) < MIN_LINES:
        return False
    covered = 0.0
    for box in boxes:
        xs, ys = [p[0] for p in box], [p[1] for p in box]
        covered += (max(xs) - min(xs)) * (max(ys) - min(ys))
    return covered / (width * height) >= MIN_TEXT_SHARE


def page_image(photo, width: int):
    """The photo as an A4 page rendered for OCR would be, `width` pixels wide: the sheet of
    paper cut out of the desk around it and made rectangular again (a phone held at an angle
    makes a page a trapezium), or, where no sheet's outline is found (the page fills the
    frame), the whole photo scaled. A slant left over is turned upright by the OCR."""
    import cv2

    corners = paper_corners(photo)
    if corners is None:
        if photo.shape[1] <= photo.shape[0] * 0.5:  # a strip, not a page: as it is
            return photo
        return cv2.resize(photo, (width, round(photo.shape[0] * width / photo.shape[1])), interpolation=cv2.INTER_AREA)
    tl, tr, br, bl = corners
    across = (_distance(tl, tr) + _distance(bl, br)) / 2
    down = (_distance(tl, bl) + _distance(tr, br)) / 2
    height = round(width * down / across)
    target = np.float32([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]])
    warp = cv2.getPerspectiveTransform(np.float32(corners), target)
    return cv2.warpPerspective(photo, warp, (width, height), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE)


def paper_corners(photo, side: int = 640):
    """The four corners of the sheet of paper in a photo (top-left, top-right, bottom-right,
    bottom-left, in the photo's pixels), or None when no sheet stands out from what is around
    it: the largest bright region, its holes (the print) closed, that is a convex
    quadrilateral covering a quarter to nineteen-twentieths of the frame and touching no edge."""
    import cv2

    height, width = photo.shape[:2]
    scale = side / max(height, width)
    small = cv2.resize(photo, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)
    grey = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0)
    _, paper = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    paper = cv2.morphologyEx(paper, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15)))
    contours, _ = cv2.findContours(paper, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    outline = cv2.convexHull(max(contours, key=cv2.contourArea))
    quad = cv2.approxPolyDP(outline, 0.02 * cv2.arcLength(outline, True), True).reshape(-1, 2)
    share = cv2.contourArea(quad) / (small.shape[0] * small.shape[1])
    if len(quad) != 4 or not cv2.isContourConvex(quad) or not 0.25 <= share <= 0.95:
        return None
    edge = 2
    if (quad[:, 0] <= edge).any() or (quad[:, 1] <= edge).any():
        return None
    if (quad[:, 0] >= small.shape[1] - 1 - edge).any() or (quad[:, 1] >= small.shape[0] - 1 - edge).any():
        return None  # cut by the frame: the outline is the frame's, not the sheet's
    by_sum, by_diff = quad.sum(axis=1), np.diff(quad, axis=1).ravel()
    ordered = [quad[by_sum.argmin()], quad[by_diff.argmin()], quad[by_sum.argmax()], quad[by_diff.argmax()]]
    if len({tuple(p) for p in map(tuple, ordered)}) != 4:
        return None
    return [(float(x) / scale, float(y) / scale) for x, y in ordered]


def _distance(p, q) -> float:
    return float(np.hypot(p[0] - q[0], p[1] - q[1]))


def _pixels(data: bytes, side: int) -> np.ndarray:
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (side, side))  # a JPEG decodes at a fraction of its size: fast
        image = ImageOps.exif_transpose(image)  # a phone held upright writes the turn in EXIF
        image.thumbnail((side, side))
        return ocr.bgr(image)
