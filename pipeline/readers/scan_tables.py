"""Ruled tables on a scanned page: cells from the rules in the picture, text from OCR.

Placing recognised lines by their position alone runs columns together when a scan is a
little rotated or a cell's text sits lower than its neighbours'. The rules a table is
printed with say where its cells are: they are found in the page image (deskewed by the
slope of the recognised lines), and each recognised line goes to the cell its centre is in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

_MIN_RULE = 0.2  # of the page width: a horizontal rule of a table is at least this long
_MERGE_PX = 4  # rules closer than this are one (a rule is a few pixels thick after scanning)
_MAX_RULE_PX = 8  # thicker than this (with the tilt left after deskewing) it is not a rule
_FULL_HEIGHT = 0.8  # a column's rule crosses at least this share of its row's height


@dataclass(frozen=True)
class ScanTable:
    top: float  # in image pixels of the deskewed page
    rows: list[list[str]]
    used: frozenset[int]  # indices of the recognised lines placed in its cells


def find_tables(image: np.ndarray, boxes: list, texts: list[str]) -> list[ScanTable]:
    """Tables of two or more ruled rows of three or more columns; empty without OpenCV."""
    try:
        import cv2  # comes with rapidocr-onnxruntime
    except ImportError:
        return []
    angle = skew(boxes)
    h, w = image.shape[:2]
    grey = image.max(axis=2) if image.ndim == 3 else image  # a red seal is not ink here
    # Thin rules come out of a scan light and broken: a low threshold against the local paper.
    ink = cv2.adaptiveThreshold(
        np.ascontiguousarray(grey, dtype=np.uint8), 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 8
    )
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), math.degrees(angle), 1.0)
    flat = cv2.warpAffine(ink, turn, (w, h), flags=cv2.INTER_NEAREST)
    long = cv2.morphologyEx(flat, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, w // 40), 1)))
    rules = _runs(np.flatnonzero((long > 0).sum(axis=1) > _MIN_RULE * w), thin=True)
    if len(rules) < 3:
        return []
    # A column rule's gaps of a few pixels are bridged, and it may drift a pixel sideways.
    down = cv2.dilate(
        cv2.morphologyEx(flat, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 5))),
        cv2.getStructuringElement(cv2.MORPH_RECT, (3, 1)),
    )
    centres = [(turn @ np.array([sum(p[0] for p in b) / 4, sum(p[1] for p in b) / 4, 1.0])) for b in boxes]
    tables: list[ScanTable] = []
    bands: list[tuple[float, float, list[float]]] = []
    for top, bottom in zip(rules, rules[1:]):
        columns = _columns(down[int(top) : int(bottom) + 1] > 0)
        if len(columns) >= 4:  # three columns or more
            bands.append((top, bottom, columns))
            continue
        tables += _table(bands, centres, texts)
        bands = []
    tables += _table(bands, centres, texts)
    return tables


def _columns(band: np.ndarray) -> list[float]:
    """Where rules cross a row from the rule above to the rule below. A character's stroke
    does not: the cell's padding leaves its ends blank."""
    height = band.shape[0]
    if height < 8:
        return []
    end = max(2, height // 5)
    crossing = (
        (band.sum(axis=0) >= _FULL_HEIGHT * height)
        & (band[:end].sum(axis=0) >= 0.8 * end)
        & (band[-end:].sum(axis=0) >= 0.8 * end)
    )
    return _runs(np.flatnonzero(crossing))


def skew(boxes: list) -> float:
    """The page's rotation, from the slope of the wider recognised lines' top edges."""
    slopes = [
        math.atan2(b[1][1] - b[0][1], b[1][0] - b[0][0])
        for b in boxes
        if b[1][0] - b[0][0] > 3 * abs(b[3][1] - b[0][1])
    ]
    return float(np.median(slopes)) if slopes else 0.0


def _runs(positions: np.ndarray, thin: bool = False) -> list[float]:
    """Centres of runs of neighbouring pixel positions (one rule, a few pixels thick); with
    `thin`, thicker runs are dropped: a line of text or a dark band is not a rule."""
    out: list[list[int]] = []
    for p in positions.tolist():
        if out and p - out[-1][-1] <= _MERGE_PX:
            out[-1].append(p)
        else:
            out.append([p])
    return [sum(run) / len(run) for run in out if not thin or run[-1] - run[0] <= _MAX_RULE_PX]


def _table(bands: list[tuple[float, float, list[float]]], centres: list, texts: list[str]) -> list[ScanTable]:
    if len(bands) < 2:
        return []
    edges: list[float] = []  # every column rule of the table; a merged cell lacks some
    for _, _, columns in bands:
        for x in columns:
            if not any(abs(x - e) <= 3 * _MERGE_PX for e in edges):
                edges.append(x)
    edges.sort()
    rows, used = [], set()
    for top, bottom, columns in bands:
        cells: list[list[tuple[float, float, str]]] = [[] for _ in edges[:-1]]
        for i, (x, y) in enumerate(centres):
            if not (top < y < bottom and columns[0] < x < columns[-1]):
                continue
            left = max(c for c in columns if c < x)  # the cell's own left rule, then its column
            k = min(range(len(edges) - 1), key=lambda e: abs(edges[e] - left))
            cells[k].append((y, x, texts[i]))
            used.add(i)
        rows.append(["".join(t for _, _, t in sorted(cell)) for cell in cells])
    return [ScanTable(bands[0][0], rows, frozenset(used))]
