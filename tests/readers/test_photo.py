"""Phone photos: a photographed page reads as the same page in a PDF, the pages of one form
sent together in a zip become one document, and an activity photo stays a picture at the
cost of the text detector alone."""

from __future__ import annotations

import io
import zipfile

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from pipeline.extract import Extractor
from pipeline.inbox import FileReader
from pipeline.outputs.charts import cjk_font
from pipeline.readers import ocr, photo
from tests.conftest import INBOX

pytestmark = pytest.mark.skipif(not ocr.available(), reason="需要文字识别组件 rapidocr-onnxruntime")

FORM = "新疆2018年世界认可日活动情况统计表（手机拍照）.pdf"  # three pages
ZHONGMU = "中牟县市场监督管理局世界认可日活动总结（手机拍照）.pdf"  # two


def held_at_an_angle(picture: np.ndarray, turn: float) -> np.ndarray:
    """The photo as a phone held above the desk and at an angle takes it: the far edge of
    the page narrower than the near one (keystone), the page turned by `turn` degrees."""
    h, w = picture.shape[:2]
    frame = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    seen = np.float32([[w * 0.10, h * 0.04], [w * 0.94, 0], [w, h], [0, h * 0.96]])
    warp = np.vstack([cv2.getRotationMatrix2D((w / 2, h / 2), turn, 1.0), [0, 0, 1]])
    warp = warp @ cv2.getPerspectiveTransform(frame, seen)
    desk = tuple(int(v) for v in picture[5, 5])
    return cv2.warpPerspective(picture, warp, (w, h), borderMode=cv2.BORDER_CONSTANT, borderValue=desk)


def jpegs(pdf_name: str, turn: float = 6.0) -> list[bytes]:
    """Each page of a photographed sample (desk, shadow, uneven light) taken again at an
    angle, as a phone's JPEG."""
    pdf = pdfium.PdfDocument((INBOX / pdf_name).read_bytes())
    out = []
    for page in pdf:
        picture = held_at_an_angle(page.render(scale=200 / 72).to_numpy()[..., :3], turn)
        out.append(cv2.imencode(".jpg", picture, [cv2.IMWRITE_JPEG_QUALITY, 85])[1].tobytes())
    return out


def facts(rec):
    return rec.submitter, rec.doc_kind, rec.doc_date, rec.activity_types, rec.activity_dates, rec.metrics


def test_the_pages_of_a_form_photographed_and_zipped_are_one_document(sample_reads, campaign):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for n, data in reversed(list(enumerate(jpegs(FORM), start=1))):  # stored out of order
            zf.writestr(f"统计表{n}.jpg", data)
    records = FileReader(extract=Extractor(campaign)).read_bytes(buffer.getvalue(), "拍照.zip", None)
    by_file = {r.file: r for r in records}
    form = by_file["拍照.zip/统计表1.jpg"]
    assert form.status == "ok" and form.ocr and form.format == "image"
    # The same facts as the photographed PDF of the form, whose table the keystone and the
    # turn would scatter over rows and columns if the page were not cut out and made upright
    # (the 中牟 photos read alike, not tested here to keep the suite short: every photo page
    # costs a recognition). Its third page holds one sentence: a later page all the same.
    assert form.pages == 3 and facts(form) == facts(sample_reads[FORM][0])
    for n in (2, 3):
        assert by_file[f"拍照.zip/统计表{n}.jpg"].status == "attachment"
        assert f"第{n}页" in by_file[f"拍照.zip/统计表{n}.jpg"].error


def test_the_sheet_is_found_in_a_photo_and_made_rectangular():
    """A white sheet with print on a dark desk, photographed at an angle: its corners are
    found and the page comes out upright, A4-shaped, its print where the sheet had it."""
    page = np.full((1400, 990, 3), 235, np.uint8)
    page[200:230, 150:840] = 30  # a heading's bar of ink
    desk = np.full((2000, 1500, 3), 70, np.uint8)
    desk[300:1700, 255:1245] = page
    photo_ = held_at_an_angle(desk, 8.0)
    corners = photo.paper_corners(photo_)
    assert corners is not None
    flat = photo.page_image(photo_, 1240)
    height, width = flat.shape[:2]
    assert width == 1240 and abs(height / width - 1400 / 990) < 0.08
    ink_rows = np.flatnonzero((flat[..., 0] < 100).mean(axis=1) > 0.3)
    assert len(ink_rows) and abs(ink_rows.mean() / height - 215 / 1400) < 0.03  # the bar, level
    assert ink_rows.max() - ink_rows.min() < 0.04 * height
    # A page that fills the frame has no outline of its own: the photo is only scaled.
    assert photo.paper_corners(page) is None
    assert photo.page_image(page, 1240).shape[1] == 1240


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


def test_photos_of_pages_sent_as_separate_files_are_read_as_one(sample_reads, campaign, tmp_path):
    """As fetch-mail saves a mail's photos, or a clerk copies them: loose files in the inbox,
    named as pages. The first carries the document, the second says it is its page; when a
    page is sent again, both are read again."""
    from pipeline.inbox import discover
    from pipeline.run import plan_inbox, read_inbox_files, record_in_ledger

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    out.mkdir()
    for n, data in enumerate(jpegs(ZHONGMU, turn=-4.0), start=1):
        (inbox / f"中牟总结({n}).jpg").write_bytes(data)
    results = read_inbox_files(discover(inbox), campaign)  # as a night reads them, one by one
    record_in_ledger(results, out, campaign)
    records = {r.file: r for result in results for r in result.records}
    first, second = records["中牟总结(1).jpg"], records["中牟总结(2).jpg"]
    assert first.status == "ok" and first.pages == 2 and facts(first) == facts(sample_reads[ZHONGMU][0])
    assert second.status == "attachment" and "第2页" in second.error
    assert plan_inbox(inbox, out, campaign).to_read == []  # nothing new: nothing read
    # The second page sent again (another JPEG of it): the first is read again with it.
    (inbox / "中牟总结(2).jpg").write_bytes(jpegs(ZHONGMU, turn=-3.0)[1])
    assert {i.rel for i in plan_inbox(inbox, out, campaign).to_read} == {"中牟总结(1).jpg", "中牟总结(2).jpg"}
    # The second page taken away: the first, which holds its text, is read again alone.
    (inbox / "中牟总结(2).jpg").unlink()
    assert [i.rel for i in plan_inbox(inbox, out, campaign).to_read] == ["中牟总结(1).jpg"]
