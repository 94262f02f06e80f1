"""OFD (GB/T 33190-2016), the fixed-layout format of China's 电子公文, read into the model.

An OFD is a zip of XML: OFD.xml → DocBody (DocInfo, DocRoot, Signatures) → Document.xml
(page size, resources, pages by BaseLoc) → each page's Content.xml with TextObject/TextCode
(positions in mm; DeltaX/DeltaY advances, "g n v" repeating v n times), PathObject rules,
ImageObject pictures. The characters and rules go through the PDF reader's assembly
(`fixed.assemble`): the same lines, paragraphs and ruled tables. A page that is only a
picture is a scan and is recognised (OCR); an electronic seal makes the record `sealed`, and
its picture is never read as text.

A small reader over the standard library rather than an OFD package: the packages on PyPI
(easyofd and the like) render with PyMuPDF and reportlab to get at the text, heavy for what is
a walk over a few XML files. Producers differ (a prefix or a default namespace, text per line
or per fragment, pages stored out of folder order), so elements are found by local name and
paths resolved as the standard says, from the file that names them. The same safety as zips:
member count and size limits, no path outside the package, and XML with a DOCTYPE (entity
tricks) refused before parsing.
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile

from pipeline import errors
from pipeline.errors import UnreadableFile
from pipeline.model import Document, Metadata, Source
from pipeline.readers import ocr
from pipeline.readers.fixed import MIN_CHARS_PER_PAGE, SCAN_PICTURE_SHARE, FixedPage, assemble, edge

PT_PER_MM = 72 / 25.4
MAX_MEMBERS = 5000
MAX_TOTAL = 500 * 1024 * 1024  # uncompressed
MAX_XML = 50 * 1024 * 1024  # one XML part
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?")


def read_ofd(data: bytes, source: Source, ocr_options: ocr.OcrOptions | None = None) -> Document:
    try:
        package = _Package(data)
        return _read(package, source, ocr_options or ocr.OcrOptions())
    except (zipfile.BadZipFile, KeyError, ET.ParseError, ValueError, IndexError, OSError) as e:
        raise UnreadableFile(errors.CORRUPT) from e


class _Package:
    def __init__(self, data: bytes) -> None:
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        infos = self.zip.infolist()
        if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > MAX_TOTAL:
            raise UnreadableFile(errors.OFD_TOO_LARGE)
        self.names = {}
        for info in infos:
            name = info.filename.replace("\\", "/")
            if name.startswith("/") or ".." in name.split("/"):
                raise UnreadableFile(errors.UNSAFE_MEMBER)
            self.names[name.lower()] = info

    def read(self, path: str) -> bytes:
        info = self.names.get(path.strip("/").lower())
        if info is None:
            raise KeyError(path)
        return self.zip.read(info)

    def xml(self, path: str) -> ET.Element:
        info = self.names.get(path.strip("/").lower())
        if info is None:
            raise KeyError(path)
        if info.file_size > MAX_XML:
            raise UnreadableFile(errors.OFD_TOO_LARGE)
        data = self.zip.read(info)
        if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
            raise UnreadableFile(errors.CORRUPT)
        return ET.fromstring(data)

    def exists(self, path: str) -> bool:
        return path.strip("/").lower() in self.names


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if _local(c.tag) == name]


def _child(el: ET.Element | None, name: str) -> ET.Element | None:
    if el is None:
        return None
    return next((c for c in el if _local(c.tag) == name), None)


def _find(el: ET.Element, *names: str) -> ET.Element | None:
    for name in names:
        el = _child(el, name)
        if el is None:
            return None
    return el


def _text(el: ET.Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def _attr(el: ET.Element, name: str, default: str = "") -> str:
    """An attribute by name, whatever case or namespace a producer gave it."""
    for key, value in el.attrib.items():
        if _local(key).lower() == name.lower():
            return value
    return default


def _numbers(text: str) -> list[float]:
    return [float(n) for n in _NUMBER.findall(text or "")]


def _resolve(base_file: str, loc: str) -> str:
    """A BaseLoc as the standard reads it: absolute from the package root with a leading "/",
    else relative to the folder of the file that names it."""
    loc = loc.strip().replace("\\", "/")
    if loc.startswith("/"):
        return posixpath.normpath(loc.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_file), loc))


def _read(package: _Package, source: Source, ocr_options: ocr.OcrOptions) -> Document:
    root = package.xml("OFD.xml")
    body = next(el for el in root.iter() if _local(el.tag) == "DocBody")
    info = _child(body, "DocInfo")
    metadata = Metadata(
        title=_text(_child(info, "Title")) or None,
        author=_text(_child(info, "Author")) or None,
        created=_text(_child(info, "CreationDate")) or None,
        modified=_text(_child(info, "ModDate")) or None,
    )
    doc_path = _resolve("OFD.xml", _text(_child(body, "DocRoot")))
    signatures = _text(_child(body, "Signatures"))
    document = package.xml(doc_path)
    common = _child(document, "CommonData")
    default_box = _box(_find(common, "PageArea", "PhysicalBox")) if common is not None else (0, 0, 210, 297)
    fonts: dict[str, str] = {}
    media: dict[str, str] = {}
    for res_name in ("PublicRes", "DocumentRes"):
        for res in _children(common, res_name) if common is not None else []:
            _resources(package, _resolve(doc_path, _text(res)), fonts, media)
    templates = {
        _attr(t, "ID"): _resolve(doc_path, _attr(t, "BaseLoc"))
        for t in (_children(common, "TemplatePage") if common is not None else [])
    }
    pages_el = _child(document, "Pages")
    page_paths = [_resolve(doc_path, _attr(p, "BaseLoc")) for p in _children(pages_el, "Page")] if pages_el else []
    doc = Document(source=source, metadata=metadata, pages=len(page_paths) or None)
    doc.sealed = bool(signatures) and package.exists(_resolve("OFD.xml", signatures))
    pages: list[FixedPage] = []
    scans: dict[int, bytes] = {}
    for index, path in enumerate(page_paths):
        page_el = package.xml(path)
        area = _find(page_el, "Area", "PhysicalBox") or _find(page_el, "Content", "PageArea", "PhysicalBox")
        box = _in_mm(_box(area) or default_box)  # the second: where one producer writes a page's size
        width, height = box[2] * PT_PER_MM, box[3] * PT_PER_MM
        page = FixedPage(width, height)
        pictures: list[tuple[float, str]] = []
        layers = []
        for template in _children(page_el, "Template"):
            if (t_path := templates.get(_attr(template, "TemplateID"))) and package.exists(t_path):
                layers += _layers(package.xml(t_path))
        layers += _layers(page_el)
        for layer in layers:
            _objects(layer, (1, 0, 0, 1, 0, 0), page, pictures, fonts, height)
        doc.images += len(pictures)
        share = max((s for s, _ in pictures), default=0.0) / (box[2] * box[3] or 1)
        if len(page.chars) < MIN_CHARS_PER_PAGE and share >= SCAN_PICTURE_SHARE:
            biggest = max(pictures)[1]
            if biggest in media and package.exists(media[biggest]):
                scans[index] = package.read(media[biggest])
        pages.append(page)
    _fit_pages([p for i, p in enumerate(pages) if i not in scans])
    recognised = {}
    if scans and ocr.available(ocr_options):
        for index, picture in scans.items():
            recognised[index] = ocr.ocr_image(_pixels(picture), pages[index].width, pages[index].height)
    try:
        return assemble(doc, pages, recognised, ocr.available(ocr_options))
    except UnreadableFile as e:
        if e.message == errors.EMPTY_PDF:
            raise UnreadableFile(errors.EMPTY_OFD) from e
        raise


def _fit_pages(pages: list[FixedPage]) -> None:
    """Text that keeps to the top-left of every page (short of half its width and of half its
    height) was written in other units than the page's area: easyofd writes text at 72/200
    of its PDF positions and the page in points. Each page is then taken as wide as its text
    with equal margins, so a centred title stays centred and the 落款 at the top of a last
    page is not taken for a header."""
    written = [p for p in pages if p.chars]
    if not written:
        return
    right = max(ch["x1"] for p in written for ch in p.chars)
    bottom = max(ch["bottom"] for p in written for ch in p.chars)
    left = min(ch["x0"] for p in written for ch in p.chars)
    width, height = written[0].width, written[0].height
    chars = sum(len(p.chars) for p in written)
    if right >= 0.5 * width or bottom >= 0.5 * height or left < 0 or chars < 200:
        return  # (a note of a few short lines may well stay in a corner)
    fitted = right + left
    for page in pages:
        page.width, page.height = fitted, fitted * page.height / page.width


def _resources(package: _Package, path: str, fonts: dict[str, str], media: dict[str, str]) -> None:
    if not package.exists(path):
        return
    res = package.xml(path)
    base = _attr(res, "BaseLoc")
    folder = _resolve(path, base) if base else posixpath.dirname(path)
    for el in res.iter():
        name = _local(el.tag)
        if name == "Font":
            fonts[_attr(el, "ID")] = _attr(el, "FamilyName") or _attr(el, "FontName")
        elif name == "MultiMedia":
            file = _text(_child(el, "MediaFile"))
            if file:
                # relative to the resource file's BaseLoc folder, or absolute from the package root
                relative = posixpath.normpath(posixpath.join(folder, file))
                media[_attr(el, "ID")] = file.lstrip("/") if file.startswith("/") else relative


def _in_mm(box: tuple[float, ...]) -> tuple[float, ...]:
    """A page area of 595 × 842 is A4 written in points where the standard wants millimetres
    (a PDF converter's habit, easyofd's for one): 595 mm would be a poster, not a page."""
    x, y, w, h = box
    if {round(w), round(h)} == {595, 842}:
        return (x / PT_PER_MM, y / PT_PER_MM, w / PT_PER_MM, h / PT_PER_MM)
    return box


def _layers(page_el: ET.Element) -> list[ET.Element]:
    content = _child(page_el, "Content")
    return _children(content, "Layer") if content is not None else []


def _box(el: ET.Element | None) -> tuple[float, float, float, float] | None:
    values = _numbers(_text(el)) if el is not None else []
    return tuple(values[:4]) if len(values) >= 4 else None


def _ctm(el: ET.Element) -> tuple[float, ...]:
    values = _numbers(_attr(el, "CTM"))
    return tuple(values[:6]) if len(values) >= 6 else (1, 0, 0, 1, 0, 0)


def _apply(m: tuple[float, ...], x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _objects(container, parent: tuple, page: FixedPage, pictures: list, fonts: dict, height: float) -> None:
    """Walk a layer's objects (PageBlocks nest them); positions in mm, out in points."""
    run: list[ET.Element] = []  # text objects that are pieces of one unplaced line
    for el in container:
        name = _local(el.tag)
        if name == "TextObject":
            if run and not _same_place(run[-1], el):
                _text_run(run, page)
                run = []
            run.append(el)
            continue
        if run:
            _text_run(run, page)
            run = []
        if name == "PageBlock":
            _objects(el, parent, page, pictures, fonts, height)
        elif name == "PathObject":
            _path_object(el, page, height)
        elif name == "ImageObject":
            box = _box_attr(el)
            if box:
                pictures.append((box[2] * box[3], _attr(el, "ResourceID")))

    if run:
        _text_run(run, page)


def _start(el: ET.Element) -> tuple[str, str, str] | None:
    code = next((c for c in el.iter() if _local(c.tag) == "TextCode"), None)
    return None if code is None else (_attr(el, "Boundary"), _attr(code, "X", "0"), _attr(code, "Y", "0"))


def _same_place(a: ET.Element, b: ET.Element) -> bool:
    """Two text objects written at one and the same place: a producer that splits a line
    into pieces by font (digits in one, Chinese in another) and gives every piece the whole
    line's Boundary and X="0" (easyofd) leaves their positions unknown; only their order is."""
    start = _start(a)
    return start is not None and start == _start(b) and not _attr(a, "CTM") and not _attr(b, "CTM")


def _text_run(run: list[ET.Element], page: FixedPage) -> None:
    """One text object as placed; pieces of one line written at one place, one after the
    other in the order written, evenly across their Boundary."""
    if len(run) == 1:
        _text_object(run[0], page)
        return
    box = _box_attr(run[0]) or (0, 0, 0, 0)
    codes = [c for el in run for c in el.iter() if _local(c.tag) == "TextCode" and c.text]
    text = "".join(c.text for c in codes)
    if not text:
        return
    size = float(_attr(run[0], "Size", "3.5") or 3.5)
    baseline = (box[1] + float(_attr(codes[0], "Y", "0") or 0)) * PT_PER_MM
    step = (box[2] / len(text) if box[2] > 0 else size) * PT_PER_MM
    points = size * PT_PER_MM
    for n, ch in enumerate(text):
        if not ch.isspace():
            left = box[0] * PT_PER_MM + n * step
            page.chars.append(
                {
                    "text": ch,
                    "x0": left,
                    "x1": left + step,
                    "top": baseline - points,
                    "bottom": baseline,
                    "size": points,
                }
            )


def _box_attr(el: ET.Element) -> tuple[float, float, float, float] | None:
    values = _numbers(_attr(el, "Boundary"))
    return tuple(values[:4]) if len(values) >= 4 else None


def _advances(text: str) -> list[float]:
    """DeltaX/DeltaY: numbers, with "g n v" standing for v written n times."""
    tokens = (text or "").split()
    out: list[float] = []
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            out += [float(tokens[i + 2])] * int(float(tokens[i + 1]))
            i += 3
        else:
            try:
                out.append(float(tokens[i]))
            except ValueError:
                pass
            i += 1
    return out


def _text_object(el: ET.Element, page: FixedPage) -> None:
    box = _box_attr(el) or (0, 0, 0, 0)
    size = float(_attr(el, "Size", "3.5") or 3.5)
    m = _ctm(el)
    scale = math.sqrt(abs(m[0] * m[3] - m[1] * m[2])) or 1.0
    for code in el.iter():
        if _local(code.tag) != "TextCode" or not code.text:
            continue
        text = code.text
        x, y = float(_attr(code, "X", "0") or 0), float(_attr(code, "Y", "0") or 0)
        dx, dy = _advances(_attr(code, "DeltaX")), _advances(_attr(code, "DeltaY"))
        for n, ch in enumerate(text):
            advance = dx[n] if n < len(dx) else (size if ord(ch) > 0x2E7F else size / 2)
            if not ch.isspace():
                px, py = _apply(m, x, y)
                left, baseline = (box[0] + px) * PT_PER_MM, (box[1] + py) * PT_PER_MM
                points = size * scale * PT_PER_MM
                right = left + (advance if n < len(dx) else size) * scale * PT_PER_MM
                page.chars.append(
                    {"text": ch, "x0": left, "x1": right, "top": baseline - points, "bottom": baseline, "size": points}
                )
            x += advance
            if n < len(dy):
                y += dy[n]


def _path_object(el: ET.Element, page: FixedPage, height: float) -> None:
    """The straight strokes of a path (M/L/Z in AbbreviatedData) as table-rule edges."""
    box = _box_attr(el) or (0, 0, 0, 0)
    m = _ctm(el)
    data = _text(_child(el, "AbbreviatedData"))
    tokens = data.replace(",", " ").split()
    points: list[tuple[float, float]] = []
    start = None
    i = 0

    def at(x: float, y: float) -> tuple[float, float]:
        px, py = _apply(m, x, y)
        # fixed.edge takes bottom-left coordinates, as PDF has them
        return (box[0] + px) * PT_PER_MM, height - (box[1] + py) * PT_PER_MM

    while i < len(tokens):
        op = tokens[i]
        try:
            if op == "M":
                points = [at(float(tokens[i + 1]), float(tokens[i + 2]))]
                start = points[0]
                i += 3
            elif op == "L":
                p = at(float(tokens[i + 1]), float(tokens[i + 2]))
                if points:
                    page.edges.extend(edge(points[-1], p, height))
                points.append(p)
                i += 3
            elif op == "B":  # a cubic curve: no rule, but the pen moves on
                points.append(at(float(tokens[i + 5]), float(tokens[i + 6])))
                i += 7
            elif op == "Q":
                points.append(at(float(tokens[i + 3]), float(tokens[i + 4])))
                i += 5
            elif op == "A":
                points.append(at(float(tokens[i + 6]), float(tokens[i + 7])))
                i += 8
            elif op in ("C", "Z"):  # close the subpath
                if points and start is not None:
                    page.edges.extend(edge(points[-1], start, height))
                i += 1
            elif op == "S":
                points = [at(float(tokens[i + 1]), float(tokens[i + 2]))]
                start = points[0]
                i += 3
            else:
                i += 1
        except (IndexError, ValueError):
            break


def _pixels(picture: bytes):
    """A scanned page's picture as the array OCR reads."""
    from PIL import Image

    with Image.open(io.BytesIO(picture)) as image:
        return ocr.bgr(image)
