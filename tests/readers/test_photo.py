"""Phone photos: a photographed page reads as the same page in a PDF, the pages of one form
sent together in a zip become one document, and an activity photo stays a picture at the
cost of the text detector alone."""

from __future__ import annotations

import io
import zipfile

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from pipeline.extract import Extractor
from pipeline.inbox import FileReader
from pipeline.outputs.charts import cjk_font
from pipeline.readers import ocr, photo
from tests.conftest import INBOX

pytestmark = pytest.mark.skipif(not ocr.available(), reason="需要文字识别组件 rapidocr-onnxruntime")

TWO_PAGES = "新疆2018年世界认可日活动情况统计表（手机拍照）.pdf"


def jpegs(pdf_name: str) -> list[bytes]:
    """Each page of a photographed sample (perspective, shadow, paper) as a phone's JPEG."""
    pdf = pdfium.PdfDocument((INBOX / pdf_name).read_bytes())
    out = []
    for page in pdf:
        buffer = io.BytesIO()
        page.render(scale=200 / 72).to_pil().convert("RGB").save(buffer, "JPEG", quality=85)
        out.append(buffer.getvalue())
    return out


def facts(rec):
    return rec.submitter, rec.doc_kind, rec.activity_dates, rec.metrics


def test_the_pages_of_a_form_photographed_and_zipped_are_one_document(sample_reads, campaign):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for n, data in reversed(list(enumerate(jpegs(TWO_PAGES), start=1))):  # stored out of order
            zf.writestr(f"统计表{n}.jpg", data)
    records = FileReader(extract=Extractor(campaign)).read_bytes(buffer.getvalue(), "拍照.zip", None)
    by_file = {r.file: r for r in records}
    form = by_file["拍照.zip/统计表1.jpg"]
    assert form.status == "ok" and form.ocr and form.format == "image"
    # The same facts as the photographed PDF of the form (the one-page 中牟 photo reads alike,
    # not tested here to keep the suite short: every photo page costs a recognition).
    assert form.pages == 2 and facts(form) == facts(sample_reads[TWO_PAGES][0])
    assert by_file["拍照.zip/统计表2.jpg"].status == "attachment"
    assert "第2页" in by_file["拍照.zip/统计表2.jpg"].error


def test_an_activity_photo_stays_a_picture_and_costs_the_detector_only(campaign):
    scene = Image.new("RGB", (1600, 1200), (120, 160, 200))
    draw = ImageDraw.Draw(scene)
    for k in range(12):  # people and a stage, roughly
        draw.ellipse((100 + k * 120, 700, 180 + k * 120, 1100), fill=(60 + k * 10, 50, 40))
    draw.rectangle((300, 150, 1300, 300), fill=(200, 30, 30))
    if cjk_font():
        from pipeline.outputs.charts import _font

        draw.text((800, 225), "2018年世界认可日主题宣传活动", font=_font(70), fill="white", anchor="mm")
    buffer = io.BytesIO()
    scene.save(buffer, "JPEG", quality=85)
    [rec] = FileReader(extract=Extractor(campaign)).read_bytes(buffer.getvalue(), "活动现场.jpg", None)
    assert rec.status == "attachment" and not rec.error
    assert photo.last_detect_ms is not None
    print(f"text detector on an activity photo: {photo.last_detect_ms:.0f} ms")
