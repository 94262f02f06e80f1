import io

import docx

from pipeline.model import BlockKind, Source
from pipeline.readers import read_document
from pipeline.text import chinese_number
from tests.conftest import sample, source_for


def read(path):
    data = path.read_bytes()
    return read_document(data, source_for(path, data))


def test_title_in_a_text_box_is_read_once_as_a_text_box_block():
    doc = read(sample("r11", "docx"))
    boxes = [b for b in doc.blocks if b.kind is BlockKind.TEXT_BOX]
    assert boxes, "the title sits in a Word text box"
    assert any("世界认可日" in b.text for b in boxes)
    title = next(b.text for b in boxes if "世界认可日" in b.text)
    texts = [b.text for b in doc.blocks]
    assert texts.count(title) == 1, "Word stores a text box twice (DrawingML + VML fallback)"


def test_body_order_with_tables_interleaved_and_cell_locations():
    doc = read(sample("r04", "docx"))  # a plan carried by a schedule table
    assert doc.tables and len(doc.tables[0].rows) >= 3
    header = doc.tables[0].rows[0]
    assert any("时间" in cell for cell in header)
    cells = [b for b in doc.blocks if b.kind is BlockKind.TABLE_CELL]
    assert cells[0].loc.table == 1 and cells[0].loc.row == 1 and cells[0].loc.column == 1
    first_cell = doc.blocks.index(cells[0])
    assert any(b.kind is BlockKind.PARAGRAPH for b in doc.blocks[:first_cell]), "prose before the table"
    assert cells[0].loc.describe() == "表1第1行第1列"


def test_paragraph_locations_count_up():
    doc = read(sample("c01", "docx"))
    numbers = [b.loc.paragraph for b in doc.blocks if b.loc.paragraph is not None]
    assert numbers == sorted(numbers) and numbers[0] == 1 and len(numbers) > 10


def test_header_letterhead_and_title_and_signature_alignment():
    doc = read(sample("c01", "docx"))
    assert any(b.kind is BlockKind.HEADER for b in doc.blocks)
    assert doc.blocks[[b.kind for b in doc.blocks].index(BlockKind.TITLE)].align == "center"
    assert any(b.align == "right" for b in doc.blocks[-4:]), "the 落款 is right-aligned"


def test_word_auto_numbering_is_rebuilt():
    document = docx.Document()
    document.add_paragraph("加强组织领导", style="List Number")
    document.add_paragraph("精心安排部署", style="List Number")
    buf = io.BytesIO()
    document.save(buf)
    doc = read_document(buf.getvalue(), Source("list.docx", "", 0, "docx"))
    assert [b.text for b in doc.blocks] == ["1.加强组织领导", "2.精心安排部署"]


def test_chinese_list_numbers():
    assert [chinese_number(n) for n in (1, 10, 12, 20, 21)] == ["一", "十", "十二", "二十", "二十一"]


def test_pictures_are_counted():
    doc = read(sample("r05", "docx", "ok"))
    assert doc.images >= 1
