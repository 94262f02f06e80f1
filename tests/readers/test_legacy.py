import pytest

from pipeline.errors import UnreadableFile
from pipeline.model import BlockKind, Status
from pipeline.readers import legacy, read_document
from tests.conftest import INBOX, LABELS, needs_soffice, sample, source_for


def read(path):
    data = path.read_bytes()
    return read_document(data, source_for(path, data))


@needs_soffice
@pytest.mark.parametrize("fmt", ["doc", "wps", "rtf"])
def test_legacy_formats_are_converted_and_read(fmt):
    path = sample(fmt=fmt, status="ok")
    doc = read(path)
    assert doc.source.format == fmt
    assert doc.chars > 200
    assert any(b.kind in (BlockKind.TITLE, BlockKind.TEXT_BOX) for b in doc.blocks) or doc.blocks[0].text


@needs_soffice
def test_numbered_list_survives_conversion():
    doc = read(sample("c09", "doc"))
    assert sum(1 for b in doc.blocks if b.text[:2] in ("1.", "2.", "3.", "一、", "二、")) >= 2


def test_without_libreoffice_legacy_files_are_unsupported_with_a_how_to(monkeypatch):
    monkeypatch.setattr(legacy, "soffice_path", lambda: None)
    with pytest.raises(UnreadableFile) as e:
        read(sample(fmt="wps", status="ok"))
    assert e.value.status is Status.UNSUPPORTED
    assert "LibreOffice" in e.value.message and ".wps" in e.value.message


def test_a_doc_that_is_really_a_docx_is_read_as_docx():
    path = next(INBOX / lab["file"] for lab in LABELS if lab["file"].endswith(".doc") and lab["format"] == "docx")
    doc = read(path)
    assert doc.source.format == "docx" and doc.chars > 100
