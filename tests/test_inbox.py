import io
import zipfile

import pytest

from pipeline import errors
from pipeline.inbox import FileReader, Limits, discover, member_name
from pipeline.model import Status
from pipeline.records.duplicates import mark_duplicates
from tests.conftest import INBOX, INBOX_AS_COPIED, LABELS, snapshot


@pytest.fixture(scope="module")
def records(sample_records):
    return {r.file: r for r in sample_records}


def test_every_labelled_file_gets_a_record_with_the_labelled_status(records):
    for label in LABELS:
        rec = records[label["file"]]
        status = "ok" if rec.status == Status.SUPERSEDED else rec.status
        assert status == label["status"], (label["file"], rec.error)
        assert rec.format == label["format"], label["file"]


def test_every_problem_has_a_chinese_message_a_clerk_can_act_on(records):
    for rec in records.values():
        if rec.status in (Status.FAILED, Status.UNSUPPORTED, Status.NEEDS_OCR):
            assert rec.error and "；" in rec.error, rec.file
        if rec.status in (Status.OK, Status.ATTACHMENT):
            assert rec.error is None, (rec.file, rec.error)


def test_specific_failures(records):
    by_format = {}
    for rec in records.values():
        by_format.setdefault((rec.format, str(rec.status)), []).append(rec)
    assert by_format[("empty", "failed")][0].error == errors.EMPTY
    assert any(r.error == errors.CORRUPT for r in by_format[("docx", "failed")])
    html = by_format[("html", "unsupported")][0]
    assert "网页" in html.error and html.file.endswith(".pdf")


def test_gbk_zip_member_names_are_decoded_and_members_reported_under_the_archive(records):
    archive = next(r for r in records.values() if r.format == "zip")
    assert archive.members and all(m.startswith(archive.file + "/") for m in archive.members)
    assert any("活动照片/" in m for m in archive.members)
    for member in archive.members:
        assert member in records
        assert "�" not in member
    doc = next(records[m] for m in archive.members if m.endswith(".docx"))
    assert doc.status in (Status.OK, Status.SUPERSEDED) and doc.chars > 100


def test_byte_identical_files_are_duplicates_of_the_earliest(records):
    dup = next(r for r in records.values() if r.status == Status.DUPLICATE)
    first = records[dup.duplicate_of]
    assert first.sha256 == dup.sha256 and first.status != Status.DUPLICATE


def test_pictures_and_videos_are_attachments(records):
    kinds = {r.format for r in records.values() if r.status == Status.ATTACHMENT}
    assert kinds == {"image", "video"}


def test_the_inbox_is_never_written(sample_reads, sample_read_left_inbox_as_copied):
    """The whole sample corpus read by the reader pool leaves every byte and time as it was."""
    assert sample_reads and sample_read_left_inbox_as_copied  # where the pool read it
    assert snapshot(INBOX) == INBOX_AS_COPIED


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return buf.getvalue()


def test_zip_bomb_is_refused_without_expanding():
    bomb = _zip([("big.txt", b"0" * (30 * 1024 * 1024))])
    recs = FileReader(limits=Limits(max_archive_total=20 * 1024 * 1024)).read_bytes(bomb, "bomb.zip", None)
    assert len(recs) == 1 and recs[0].status == Status.FAILED and "压缩包" in recs[0].error


def test_unsafe_member_paths_are_skipped_with_a_message():
    recs = FileReader().read_bytes(_zip([("../evil.docx", b"x"), ("/abs.pdf", b"%PDF-")]), "a.zip", None)
    members = [r for r in recs if r.file != "a.zip"]
    assert len(members) == 2
    assert all(r.status == Status.FAILED and r.error == errors.UNSAFE_MEMBER for r in members)


def test_nested_zips_are_read_to_a_limit():
    inner = _zip([("活动总结.txt", "世界认可日".encode())])
    recs = FileReader().read_bytes(_zip([("inner.zip", inner)]), "outer.zip", None)
    assert [r.file for r in recs] == ["outer.zip", "outer.zip/inner.zip", "outer.zip/inner.zip/活动总结.txt"]
    deep = FileReader(limits=Limits(max_archive_depth=1)).read_bytes(_zip([("inner.zip", inner)]), "o.zip", None)
    assert deep[-1].error == errors.ZIP_TOO_DEEP


def test_gbk_member_name_without_utf8_flag():
    info = zipfile.ZipInfo("活动方案.docx".encode("gbk").decode("cp437"))
    assert member_name(info) == "活动方案.docx"


def test_size_limit(tmp_path):
    big = tmp_path / "inbox" / "大文件.pdf"
    big.parent.mkdir()
    big.write_bytes(b"%PDF-1.4\n" + b"0" * 5000)
    recs = FileReader(limits=Limits(max_file_bytes=1000)).read(discover(big.parent)[0])
    assert recs[0].status == Status.FAILED and "超过上限" in recs[0].error


def test_lock_files_and_hidden_files_are_not_inbox_files(tmp_path):
    (tmp_path / "~$方案.docx").write_bytes(b"x")
    (tmp_path / ".DS_Store").write_bytes(b"x")
    (tmp_path / "Thumbs.db").write_bytes(b"x")
    (tmp_path / "方案.docx").write_bytes(b"x")
    assert [f.rel for f in discover(tmp_path)] == ["方案.docx"]


def test_duplicates_point_at_the_earliest_arrival():
    from pipeline.model import Record

    a = Record(file="b.docx", sha256="h", format="docx", status=Status.OK, arrived="2018-06-01T10:00:00")
    b = Record(file="a.docx", sha256="h", format="docx", status=Status.OK, arrived="2018-06-02T10:00:00")
    out = {r.file: r for r in mark_duplicates([a, b])}
    assert out["a.docx"].status == Status.DUPLICATE and out["a.docx"].duplicate_of == "b.docx"
