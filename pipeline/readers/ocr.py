"""Offline OCR for PDF pages without a text layer (stamped scans, phone photos).

Pages are rendered with pypdfium2 and recognised with rapidocr-onnxruntime, whose
PP-OCR Chinese models ship inside the wheel: nothing is downloaded at run time. OCR
lines come back as the same line dicts the PDF reader builds from characters, so the
rest of the reading (paragraphs, titles, the 落款) is shared.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import pypdfium2 as pdfium

from pipeline.readers.scan_tables import find_tables, skew
from pipeline.text import looks_like_heading, normalize

MIN_CONFIDENCE = 0.80  # mean recognition confidence below which a scan is too poor to trust
DPI = 150  # measured: the samples' scans read at character error rate below 2% at 150 dpi
_SEAL_RED = 0.5  # share of a line's ink that is red above which it is the seal's text
_PRINT_UNDER_SEAL = 0.12  # ... unless this share of its ink is black print
# What OCR adds to Chinese text: stray degree signs and dots, 丶 for a comma, 一一 for ——.
_OCR_NOISE = [
    (re.compile(r"(?<=[\u4e00-\u9fff])[°·•丶](?=[\u4e00-\u9fff])"), ""),
    (re.compile(r"一一|--|－－"), "——"),
    (re.compile(r"(?<=[日\d])一(?=\d)"), "—"),  # 6月12日一14日: a range's dash
    (re.compile(r"^[°·•丶\s]+|[°·•丶\s]+$"), ""),
]


class OcrUnavailable(RuntimeError):
    """rapidocr-onnxruntime is not installed."""


@lru_cache(maxsize=2)
def _engine(threads: int = -1):
    """Loaded once per process (the models take a fraction of a second, but not per page)."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as e:
        raise OcrUnavailable(str(e)) from e
    if threads > 0:
        try:  # OpenCV (page preparation, table rules) keeps to the same share of the cores
            import cv2

            cv2.setNumThreads(threads)
        except ImportError:
            pass
        return RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1)
    return RapidOCR()


def detector(threads: int = -1):
    """The text detector alone (boxes, seconds) = detector(image): cheap, no recognition."""
    return _engine(threads).text_det


def available(options: OcrOptions | None = None) -> bool:
    try:
        _engine((options or OcrOptions()).threads)
        return True
    except OcrUnavailable:
        return False


def bgr(image):
    """A Pillow picture as the array OCR reads: blue, green, red, as pdfium renders a page and
    OpenCV reads a file (the seal test looks for red in the third channel)."""
    import numpy as np

    return np.ascontiguousarray(np.asarray(image.convert("RGB"))[..., ::-1])


def clean_ocr_text(text: str) -> str:
    for pattern, replacement in _OCR_NOISE:
        text = pattern.sub(replacement, text)
    return normalize(text)


def _is_seal(image, box) -> bool:
    """A round red stamp's characters are the seal's, not the body's."""
    xs, ys = [int(p[0]) for p in box], [int(p[1]) for p in box]
    region = image[max(min(ys), 0) : max(ys), max(min(xs), 0) : max(xs)]
    if region.size == 0:
        return False
    b, g, r = (region[..., i].astype(int) for i in range(3))  # pdfium renders BGR, as OpenCV expects
    red = (r > 120) & (r - g > 50) & (r - b > 50)
    ink = red | (g < 150) | (b < 150)  # whatever is not paper
    if not ink.any() or red.sum() / ink.sum() <= _SEAL_RED:
        return False
    # Black print under a seal (the 落款's name and date, stamped over) stays black: a line
    # with black strokes of its own is the document's, however much red lies over it.
    dark = (r < 110) & (g < 110) & (b < 110)
    return dark.sum() / ink.sum() < _PRINT_UNDER_SEAL


Recognised = tuple[list[dict], float, float, list[float], list[tuple[float, list[list[str]]]]]
# Shares out the pages of a long scan (bytes, page indices, recognise-one-page-here) and
# returns each page's result: pipeline.runtime.workers hands them to idle workers.
Spread = Callable[[bytes, list[int], Callable[[int], Recognised]], dict[int, Recognised]]


@dataclass(frozen=True)
class OcrOptions:
    """How this process recognises pages, passed down by whoever runs the reader.

    threads: onnxruntime's threads per recognition; -1 lets it take every core, right for
    one process reading alone, and 1 is right for each of several workers sharing the cores
    (measured: all-core sessions in two workers fight for them). spread: who recognises
    the pages of a scan of several pages; None reads them all here.
    """

    threads: int = -1
    spread: Spread | None = None


def recognise(pdf: pdfium.PdfDocument, data: bytes, indices: list[int], options: OcrOptions) -> dict[int, Recognised]:
    """OCR of the given pages: here, or with a scan of several pages spread over the workers."""
    if options.spread is not None and len(indices) > 1:
        return options.spread(data, indices, lambda i: ocr_page(pdf, i, options.threads))
    return {i: ocr_page(pdf, i, options.threads) for i in indices}


def ocr_page(pdf: pdfium.PdfDocument, index: int, threads: int = -1) -> Recognised:
    """Recognise one page: (line dicts in points, page width, page height, confidences,
    ruled tables as (top in points, rows)); the lines in a ruled table's cells are not
    among the line dicts."""
    page = pdf[index]
    width, height = page.get_size()
    image = page.render(scale=DPI / 72).to_numpy()
    page.close()
    return ocr_image(image, width, height, threads)


def ocr_image(image, width: float, height: float, threads: int = -1) -> Recognised:
    """Recognise a page's picture (a rendered PDF page, an OFD page's scan) that stands for a
    page `width` by `height` points."""
    if image.ndim == 3 and image.shape[2] == 4:
        image = image[..., :3]
    result, _ = _engine(threads)(image)
    scale = width / image.shape[1]
    upright = _upright([box for box, _, _ in result or []], image.shape[1], image.shape[0])
    lines, confidences, boxes = [], [], []
    for (box, text, confidence), turned in zip(result or [], upright):
        if _is_seal(image, box):
            continue
        text = clean_ocr_text(text)
        if not text:
            continue
        xs, ys = [p[0] * scale for p in turned], [p[1] * scale for p in turned]
        size = (max(ys) - min(ys)) * 0.85
        lines.append({"text": text, "x0": min(xs), "x1": max(xs), "top": min(ys), "bottom": max(ys), "size": size})
        confidences.append(float(confidence))
        boxes.append(box)
    tables = find_tables(image, boxes, [ln["text"] for ln in lines])
    used = set().union(*(t.used for t in tables))
    lines = [ln for i, ln in enumerate(lines) if i not in used]
    lines.sort(key=lambda ln: (round(ln["top"] / 6), ln["x0"]))
    return _rows(lines), width, height, confidences, [(t.top * scale, t.rows) for t in tables]


def _upright(boxes: list, width: int, height: int) -> list:
    """The boxes as on the page turned upright about its centre. A page scanned or
    photographed a few degrees askew gives each line's box its slant, and a line's top drifts
    by the line's width times the slant: at 3° across an A4 page, more than a line's height,
    so lines and table cells would interleave. The recognition itself is not redone: it read
    each box along its own slant already. The turn is the one the ruled tables are found
    with (scan_tables.skew), so rules and lines stay in one frame."""
    angle = skew(boxes)
    if abs(angle) < math.radians(0.2):
        return boxes
    a, b = math.cos(angle), math.sin(angle)
    cx, cy = width / 2, height / 2
    return [[(cx + a * (x - cx) + b * (y - cy), cy - b * (x - cx) + a * (y - cy)) for x, y in box] for box in boxes]


def _rows(lines: list[dict]) -> list[dict]:
    """OCR lines at the same height are one row (cells of a scanned table): join them with a gap."""
    rows: list[list[dict]] = []
    for ln in sorted(lines, key=lambda ln: ln["top"]):
        if rows and abs(ln["top"] - rows[-1][0]["top"]) < 0.5 * ln["size"]:
            rows[-1].append(ln)
        else:
            rows.append([ln])
    out = []
    for row in rows:
        row.sort(key=lambda ln: ln["x0"])
        out.append(
            {
                "text": "\u3000".join(ln["text"] for ln in row),
                "x0": row[0]["x0"],
                "x1": row[-1]["x1"],
                "top": min(ln["top"] for ln in row),
                "bottom": max(ln["bottom"] for ln in row),
                "size": sorted(ln["size"] for ln in row)[len(row) // 2],
                "cells": [(ln["text"], ln["x0"], ln["x1"]) for ln in row],
            }
        )
    return out


MIN_TABLE_COLUMNS = 3


def _header_rest(row: list[str]) -> bool:
    """The rest of a header wrapped onto a second line: no figures, the first column empty,
    a cell closing a bracket or giving a unit (次）, （份）)."""
    return (
        not row[0]
        and not any(ch.isdigit() for cell in row for ch in cell)
        and any(cell.startswith(("（", "(")) or cell.endswith(("）", ")")) for cell in row)
    )


def split_tables(lines: list[dict]) -> tuple[list[list[list[str]]], list[tuple[float, int]], list[dict]]:
    """Rows of a scanned table, as the layout shows them: (tables, their tops, the other lines).

    A table is a run of lines with at least three cells side by side; a line with fewer
    cells inside the run continues the row above, cell by cell, by position (a wrapped
    cell, or the units line under the header: 发放资料 + （份）).
    """
    tables: list[list[list[str]]] = []
    tops: list[tuple[float, int]] = []
    prose: list[dict] = []
    i = 0
    while i < len(lines):
        if len(lines[i].get("cells", ())) < MIN_TABLE_COLUMNS:
            prose.append(lines[i])
            i += 1
            continue
        header = lines[i]["cells"]
        centres = [(x0 + x1) / 2 for _, x0, x1 in header]
        rows = [[text for text, _, _ in header]]
        j = i + 1
        while j < len(lines):
            cells = lines[j].get("cells", ())
            few = len(cells) < MIN_TABLE_COLUMNS
            if (
                not cells
                or any(len(text) > 20 for text, _, _ in cells)
                or (few and looks_like_heading(cells[0][0]))
                # a short line set apart below the table (the 落款, a page number) is not its cell
                or (few and lines[j]["top"] - lines[j - 1]["bottom"] > 1.2 * lines[j]["size"])
            ):
                break  # prose or the next heading: the table has ended
            placed = [""] * len(centres)
            for text, x0, x1 in cells:
                k = min(range(len(centres)), key=lambda c: abs(centres[c] - (x0 + x1) / 2))
                placed[k] += text
            if len(cells) >= MIN_TABLE_COLUMNS and not (len(rows) == 1 and _header_rest(placed)):
                rows.append(placed)
            else:
                rows[-1] = [a + b for a, b in zip(rows[-1], placed)]
            j += 1
        if len(rows) >= 3:
            tables.append(rows)
            tops.append((lines[i]["top"], len(tables) - 1))
        else:
            prose.extend(lines[i:j])
        i = j
    return tables, tops, prose
