"""Scans read offline by OCR: text against its source, page order of a mixed PDF, the messages."""

import io
import random
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from pypdf import PdfReader, PdfWriter

from pipeline import errors
from pipeline.errors import UnreadableFile
from pipeline.model import BlockKind, Source, Status
from pipeline.readers import ocr, read_document
from tests.conftest import sample

pytest.importorskip("rapidocr_onnxruntime", reason="rapidocr-onnxruntime is a declared dependency; install it")
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def _page_image(pdf_path: Path, index: int = 0, dpi: int = 150) -> Image.Image:
    pdf = pdfium.PdfDocument(pdf_path.read_bytes())
    return pdf[index].render(scale=dpi / 72).to_pil().convert("RGB")


def _scan(image: Image.Image, seed: int = 1, seal: str | None = None) -> Image.Image:
    """The way offices scan: slightly rotated, grey paper, noise, a red seal over the 落款."""
    rng = random.Random(seed)
    if seal and CJK_FONT.exists():
        draw = ImageDraw.Draw(image)
        w, h = image.size
        cx, cy, r = int(w * 0.72), int(h * 0.80), 110
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(220, 30, 30), width=8)
        font = ImageFont.truetype(str(CJK_FONT), 34)
        draw.text((cx - 85, cy - 20), seal, fill=(220, 30, 30), font=font)
    image = image.rotate(rng.uniform(-1.5, 1.5), expand=False, fillcolor=(235, 235, 230))
    image = image.point(lambda v: int(20 + v * 0.85))
    noise = Image.effect_noise(image.size, 18).convert("RGB")
    return Image.blend(image, noise, 0.06)


def _pdf_of(images: list[Image.Image]) -> bytes:
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=150, quality=40)
    return buf.getvalue()


def _read(data: bytes):
    return read_document(data, Source("scan.pdf", "", len(data), "pdf"))


def _cer(reference: str, hypothesis: str) -> float:
    """Character error rate: edit distance over the reference length."""
    prev = list(range(len(hypothesis) + 1))
    for i, a in enumerate(reference, 1):
        cur = [i]
        for j, b in enumerate(hypothesis, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a != b)))
        prev = cur
    return prev[-1] / max(len(reference), 1)


def _body(doc) -> str:
    kinds = (BlockKind.TITLE, BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.TABLE_CELL)
    return "".join(b.text for b in doc.blocks if b.kind in kinds).replace("\u3000", "")


def test_a_scan_reads_like_its_source(tmp_path):
    source = sample("c10", "pdf")
    one_page = PdfWriter()
    one_page.add_page(PdfReader(source).pages[0])
    buf = io.BytesIO()
    one_page.write(buf)
    reference = _body(_read(buf.getvalue()))  # the text layer of the page that was scanned
    doc = _read(_pdf_of([_scan(_page_image(source))]))
    assert doc.ocr_pages == [1] and 0.8 <= doc.ocr_confidence <= 1.0
    assert _cer(reference, _body(doc)) < 0.03
    assert any(b.kind is BlockKind.TITLE for b in doc.blocks)
    assert all(b.loc.page == 1 for b in doc.blocks)


@pytest.mark.parametrize(("source", "seed"), [("c03", 1), ("r01", 4)])
def test_a_scanned_ruled_table_keeps_its_rows_and_columns(source, seed):
    """Cells come from the rules in the picture, however the scan is turned, not from where the
    recognised lines happen to sit; the rows match the text PDF's table cell by cell."""
    text_pdf = sample(source, "pdf")
    one_page = PdfWriter()
    one_page.add_page(PdfReader(text_pdf).pages[0])
    buf = io.BytesIO()
    one_page.write(buf)
    expected = _read(buf.getvalue()).tables[0].rows
    doc = _read(_pdf_of([_scan(_page_image(text_pdf), seed=seed)]))
    assert len(doc.tables) == 1
    rows = doc.tables[0].rows
    assert (len(rows), len(rows[0])) == (len(expected), len(expected[0]))
    flat = ["".join(c.split()) for row in expected for c in row]
    got = ["".join(c.split()) for row in rows for c in row]
    errors = sum(_cer(a, b) * max(len(a), 1) for a, b in zip(flat, got))  # edits, cell by cell
    assert errors / sum(len(a) for a in flat) < 0.03


def test_a_mixed_pdf_keeps_page_order_and_the_scanned_signature_page():
    text_pdf = sample("c08", "pdf")
    writer = PdfWriter(clone_from=PdfReader(text_pdf))
    last = len(writer.pages) - 1
    scanned = PdfReader(io.BytesIO(_pdf_of([_scan(_page_image(text_pdf, last), seal="专用章")])))
    del writer.pages[last]
    writer.add_page(scanned.pages[0])  # the stamped last page, scanned and appended
    buf = io.BytesIO()
    writer.write(buf)
    doc = _read(buf.getvalue())
    assert doc.ocr_pages == [last + 1]
    pages = [b.loc.page for b in doc.blocks]
    assert pages == sorted(pages)
    ocr_text = "".join(b.text for b in doc.blocks if b.loc.page == last + 1)
    assert "深圳" in ocr_text
    assert "专用章" not in ocr_text, "the seal's characters are not body text"


def test_a_scan_too_poor_to_read_stays_needs_ocr_with_a_message():
    image = _page_image(sample("c10", "pdf"), dpi=40).resize((1241, 1754)).filter(ImageFilter.GaussianBlur(6))
    with pytest.raises(UnreadableFile) as e:
        _read(_pdf_of([_scan(image, seed=3)]))
    assert e.value.status is Status.NEEDS_OCR and e.value.message == errors.POOR_SCAN


def test_without_the_ocr_package_scans_say_how_to_enable_it(monkeypatch):
    def missing(*args):
        raise ocr.OcrUnavailable("No module named 'rapidocr_onnxruntime'")

    monkeypatch.setattr(ocr, "_engine", missing)
    with pytest.raises(UnreadableFile) as e:
        _read(_pdf_of([_scan(_page_image(sample("c10", "pdf")))]))
    assert e.value.status is Status.NEEDS_OCR
    assert "rapidocr-onnxruntime" in e.value.message


def test_ocr_noise_is_cleaned():
    assert ocr.clean_ocr_text("认证认可一一传递市场信任") == "认证认可——传递市场信任"
    assert ocr.clean_ocr_text("6月12日一14日举办培训°") == "6月12日—14日举办培训"
    assert ocr.clean_ocr_text("世界·认可日") == "世界认可日"


def test_ocr_runs_with_no_network(monkeypatch):
    """The models ship in the wheel: loading and recognising work with every connection refused."""
    import socket

    def refuse(*args, **kwargs):
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    ocr._engine.cache_clear()
    doc = _read(_pdf_of([_scan(_page_image(sample("c10", "pdf")))]))
    assert doc.ocr_pages == [1] and doc.chars > 200
