"""Read .docx with python-docx: body in order with tables, text boxes, headers, footers."""

from __future__ import annotations

import io
import re
import zipfile

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from pipeline import errors
from pipeline.errors import UnreadableFile
from pipeline.model import Block, BlockKind, Document, Location, Metadata, Source, Table
from pipeline.readers.numbering import Numbering
from pipeline.readers.structure import mark_structure
from pipeline.text import normalize, normalize_multiline

_P, _TBL, _TR, _TC, _SDT = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:sdt")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_TXBX = qn("w:txbxContent")
_DEL = qn("w:del")
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_SKIP = {_TXBX, _DEL, _FALLBACK}  # text boxes are read as blocks of their own
_TITLE_PT = 18


def read_docx(data: bytes, source: Source) -> Document:
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as e:
        raise UnreadableFile(errors.CORRUPT) from e
    reader = _DocxReader(document)
    doc = Document(source=source, metadata=_metadata(document))
    doc.blocks, doc.tables = reader.read()
    doc.images = sum(1 for _ in document.element.body.iter(_BLIP))
    doc.pages = _page_count(data)
    return doc


class _DocxReader:
    """Walks one document's XML once, numbering paragraphs and tables as it goes."""

    def __init__(self, document) -> None:
        self.document = document
        self.numbering = Numbering.from_document(document)
        self.styles = {s.style_id: s for s in document.styles}
        self.blocks: list[Block] = []
        self.emphasised: list[bool] = []
        self.tables: list[Table] = []
        self.paragraph_no = 0

    def read(self) -> tuple[list[Block], list[Table]]:
        self._headers_footers(footer=False)
        self._container(self.document.element.body, BlockKind.PARAGRAPH)
        self._headers_footers(footer=True)
        mark_structure(self.blocks, self.emphasised)
        return self.blocks, self.tables

    def _headers_footers(self, footer: bool) -> None:
        seen: set[str] = set()
        kind = BlockKind.FOOTER if footer else BlockKind.HEADER
        for section in self.document.sections:
            parts = (
                (section.footer, section.first_page_footer, section.even_page_footer)
                if footer
                else (section.header, section.first_page_header, section.even_page_header)
            )
            for part in parts:
                if part.is_linked_to_previous:
                    continue
                for el in part._element.iter(_P):
                    text = normalize(_run_text(el))
                    if text and text not in seen:
                        seen.add(text)
                        self._add(Block(text, kind, Location()), False)

    def _container(self, parent, kind: BlockKind) -> None:
        for child in parent.iterchildren():
            if child.tag == _P:
                self._paragraph(child, kind)
            elif child.tag == _TBL:
                self._table(child)
            elif child.tag == _SDT:
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    self._container(content, kind)

    def _paragraph(self, p, kind: BlockKind) -> None:
        for box in _text_boxes(p):
            self._container(box, BlockKind.TEXT_BOX)
        text = normalize(self._label(p) + _run_text(p))
        if not text:
            return
        self.paragraph_no += 1
        block = Block(text, kind, Location(paragraph=self.paragraph_no), align=self._align(p))
        self._add(block, self._is_emphasised(p))

    def _table(self, tbl) -> None:
        index = len(self.tables) + 1
        rows: list[list[str]] = []
        above: dict[int, str] = {}
        for r, tr in enumerate(tbl.iterchildren(_TR), start=1):
            row: list[str] = []
            col = 1
            for tc in tr.iterchildren(_TC):
                span = _int_prop(tc, "w:gridSpan", 1)
                vmerge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
                text = normalize_multiline("\n".join(_run_text(p) for p in tc.iter(_P)))
                if vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue":
                    text = above.get(col, "")  # merged with the cell above: same text, no new block
                elif text:
                    self._add(Block(text, BlockKind.TABLE_CELL, Location(table=index, row=r, column=col)), False)
                above[col] = text
                row.append(text)
                col += span
            rows.append(row)
        self.tables.append(Table(index=index, rows=rows))

    def _add(self, block: Block, emphasised: bool) -> None:
        self.blocks.append(block)
        self.emphasised.append(emphasised)

    def _label(self, p) -> str:
        ppr = p.find(qn("w:pPr"))
        numpr = ppr.find(qn("w:numPr")) if ppr is not None else None
        if numpr is None:
            numpr = self._style_numpr(ppr)
        if numpr is None:
            return ""
        num_id = numpr.find(qn("w:numId"))
        ilvl = numpr.find(qn("w:ilvl"))
        if num_id is None:
            return ""
        level = int(ilvl.get(qn("w:val"), "0")) if ilvl is not None else 0
        return self.numbering.label(num_id.get(qn("w:val")), level)

    def _style_numpr(self, ppr):
        style_id = None
        if ppr is not None and (ps := ppr.find(qn("w:pStyle"))) is not None:
            style_id = ps.get(qn("w:val"))
        style = self.styles.get(style_id) if style_id else None
        while style is not None:
            sppr = style.element.find(qn("w:pPr"))
            if sppr is not None and (numpr := sppr.find(qn("w:numPr"))) is not None:
                return numpr
            style = style.base_style
        return None

    def _align(self, p) -> str | None:
        ppr = p.find(qn("w:pPr"))
        jc = ppr.find(qn("w:jc")) if ppr is not None else None
        value = jc.get(qn("w:val")) if jc is not None else None
        if value is None:
            style = self._style_of(ppr)
            alignment = style.paragraph_format.alignment if style is not None else None
            value = {WD_ALIGN_PARAGRAPH.CENTER: "center", WD_ALIGN_PARAGRAPH.RIGHT: "right"}.get(alignment)
        return {"center": "center", "right": "right", "end": "right"}.get(value or "")

    def _style_of(self, ppr):
        if ppr is None or (ps := ppr.find(qn("w:pStyle"))) is None:
            return None
        return self.styles.get(ps.get(qn("w:val")))

    def _is_emphasised(self, p) -> bool:
        """Larger than a title threshold, or styled as a title or heading."""
        style = self._style_of(p.find(qn("w:pPr")))
        if style is not None and re.match(r"(?i)title|标题", style.name or ""):
            return True
        for sz in p.iter(qn("w:sz")):
            val = sz.get(qn("w:val"))
            if val and val.isdigit() and int(val) / 2 >= _TITLE_PT:
                return True
        return False


def _run_text(el) -> str:
    """Visible text under `el`, without text boxes, deleted revisions or fallbacks."""
    out: list[str] = []
    stack = [el]
    while stack:
        node = stack.pop()
        tag = node.tag
        if tag == _T:
            out.append(node.text or "")
        elif tag == _TAB:
            out.append("\t")
        elif tag in (_BR, _CR):
            out.append("\n" if node.get(qn("w:type")) in (None, "textWrapping") else "")
        if tag in _SKIP and node is not el:
            continue
        stack.extend(reversed(node))
    return "".join(out)


def _text_boxes(p) -> list:
    boxes = []
    for box in p.iter(_TXBX):
        node, inside = box.getparent(), False
        while node is not None and node is not p:
            if node.tag in (_FALLBACK, _TXBX):
                inside = True
                break
            node = node.getparent()
        if not inside:
            boxes.append(box)
    return boxes


def _int_prop(tc, tag: str, default: int) -> int:
    el = tc.find(f"{qn('w:tcPr')}/{qn(tag)}")
    try:
        return int(el.get(qn("w:val"))) if el is not None else default
    except (TypeError, ValueError):
        return default


def _metadata(document) -> Metadata:
    props = document.core_properties
    return Metadata(
        title=normalize(props.title or "") or None,
        author=normalize(props.author or "") or None,
        created=props.created.isoformat() if props.created else None,
        modified=props.modified.isoformat() if props.modified else None,
    )


def _page_count(data: bytes) -> int | None:
    """Word stores the page count it last rendered in docProps/app.xml."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            app = zf.read("docProps/app.xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile):
        return None
    m = re.search(r"<(?:\w+:)?Pages>(\d+)<", app)
    return int(m.group(1)) if m else None
