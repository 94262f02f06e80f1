"""Charts for leadership's documents, drawn with Pillow.

Why Pillow and not matplotlib: two plain bar charts do not need a plotting library of 40 MB
and its font cache; Pillow is already here (pdfplumber needs it), is well kept, and draws
Chinese text with any CJK font it is given. Without such a font on the machine there is no
chart (None), and the documents say so and keep their tables.
"""

from __future__ import annotations

import io
import os
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

_FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/System/Library/Fonts",
    "/Library/Fonts",
    "C:/Windows/Fonts",
)
# File names of fonts that hold simplified Chinese, the likeliest first.
_FONT_NAMES = (
    "notosanscjk-regular.ttc",
    "notosanscjksc-regular.otf",
    "sourcehansanssc-regular.otf",
    "sourcehansans-regular.ttc",
    "wqy-microhei.ttc",
    "wqy-zenhei.ttc",
    "msyh.ttc",
    "simhei.ttf",
    "simsun.ttc",
    "pingfang.ttc",
    "droidsansfallbackfull.ttf",
    "notoserifcjk-regular.ttc",
)
INK, GRID, BAR, MARK = (40, 40, 40), (210, 210, 210), (70, 110, 170), (200, 60, 50)


@lru_cache(maxsize=1)
def cjk_font() -> tuple[str, int] | None:
    """(path, index in its collection) of a font with simplified Chinese, or None.
    DIGEST_CJK_FONT names one (an empty value: none, as on a machine without)."""
    if "DIGEST_CJK_FONT" in os.environ:
        chosen = os.environ["DIGEST_CJK_FONT"]
        return (chosen, 0) if chosen and Path(chosen).is_file() else None
    found: dict[str, Path] = {}
    for folder in _FONT_DIRS:
        root = Path(folder).expanduser()
        if not root.is_dir():
            continue
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                found.setdefault(name.lower(), Path(dirpath) / name)
    for name in _FONT_NAMES:
        if name in found:
            return str(found[name]), _simplified_index(found[name])
    return None


def _simplified_index(path: Path) -> int:
    """A CJK collection holds JP, KR, SC, TC faces: the SC one draws 认 and 证 as China writes them."""
    for index in range(8):
        try:
            family, _ = ImageFont.truetype(str(path), 20, index=index).getname()
        except OSError:
            break
        if " SC" in family or family.endswith("SC") or "CN" in family:
            return index
    return 0


def _font(size: int) -> ImageFont.FreeTypeFont:
    path, index = cjk_font()
    return ImageFont.truetype(path, size, index=index)


def bar_chart(title: str, labels: list[str], values: list[int], unit: str) -> bytes | None:
    """Horizontal bars, largest first as given, each labelled with its value: a PNG."""
    if cjk_font() is None or not labels:
        return None
    return _bars(title, tuple(labels), tuple(values), unit, cjk_font())


@lru_cache(maxsize=8)  # a night with nothing new draws the same chart again
def _bars(title: str, labels: tuple, values: tuple, unit: str, font: tuple) -> bytes:
    scale = 2
    label_font, small, big = _font(15 * scale), _font(13 * scale), _font(18 * scale)
    row = 30 * scale
    left = max(_width(label_font, s) for s in labels) + 20 * scale
    width, top = 780 * scale, 56 * scale
    height = top + row * len(labels) + 20 * scale
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((width // 2, 14 * scale), title, font=big, fill=INK, anchor="ma")
    span = width - left - 70 * scale
    most = max(values) or 1
    for n, (label, value) in enumerate(zip(labels, values)):
        y = top + n * row
        draw.text((left - 10 * scale, y + row // 2), label, font=label_font, fill=INK, anchor="rm")
        length = max(1, round(span * value / most))
        draw.rectangle((left, y + 6 * scale, left + length, y + row - 6 * scale), fill=BAR)
        draw.text((left + length + 6 * scale, y + row // 2), f"{value}{unit}", font=small, fill=INK, anchor="lm")
    return _png(image)


def arrivals_chart(title: str, per_day: dict[date, int], deadlines: dict[str, date]) -> bytes | None:
    """Files received per day as columns, each deadline a red line with its name: a PNG."""
    if cjk_font() is None or not per_day:
        return None
    return _columns(title, tuple(per_day.items()), tuple(deadlines.items()), cjk_font())


@lru_cache(maxsize=8)
def _columns(title: str, days: tuple, marks: tuple, font: tuple) -> bytes:
    per_day, deadlines = dict(days), dict(marks)
    scale = 2
    small, big = _font(12 * scale), _font(18 * scale)
    first = min([*per_day, *deadlines.values()])
    last = max([*per_day, *deadlines.values()])
    days = (last - first).days + 1
    width, height = 780 * scale, 360 * scale
    left, right, top, bottom = 50 * scale, 20 * scale, 60 * scale, 50 * scale
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((width // 2, 14 * scale), title, font=big, fill=INK, anchor="ma")
    plot_w, plot_h = width - left - right, height - top - bottom
    most = max(per_day.values()) or 1
    step = plot_w / days
    for k in range(0, most + 1, max(1, most // 5)):
        y = top + plot_h - plot_h * k / most
        draw.line((left, y, width - right, y), fill=GRID, width=scale)
        draw.text((left - 6 * scale, y), str(k), font=small, fill=INK, anchor="rm")
    for day, count in per_day.items():
        x = left + (day - first).days * step
        draw.rectangle((x + step * 0.15, top + plot_h - plot_h * count / most, x + step * 0.85, top + plot_h), fill=BAR)
    every = max(1, days // 8)
    for k in range(0, days, every):
        day = first + timedelta(days=k)
        draw.text(
            (left + (k + 0.5) * step, top + plot_h + 8 * scale),
            f"{day.month}/{day.day}",
            font=small,
            fill=INK,
            anchor="ma",
        )
    for name, day in deadlines.items():
        x = left + ((day - first).days + 1) * step  # the end of the deadline's day
        for y in range(top, top + plot_h, 10 * scale):
            draw.line((x, y, x, min(y + 5 * scale, top + plot_h)), fill=MARK, width=2 * scale)
        if x + 4 * scale + _width(small, name) > width - right:  # no room to its right: its left
            draw.text((x - 4 * scale, top + 2 * scale), name, font=small, fill=MARK, anchor="ra")
        else:
            draw.text((x + 4 * scale, top + 2 * scale), name, font=small, fill=MARK, anchor="la")
    return _png(image)


def _width(font: ImageFont.FreeTypeFont, text: str) -> int:
    box = font.getbbox(text)
    return box[2] - box[0]


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
