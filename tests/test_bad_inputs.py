"""Every bad input the bureaus can send gets a status and a sentence a clerk can act on."""

import io
import json
import os
import resource
import zipfile

import pytest

from pipeline.campaign import load_campaign
from pipeline.inbox import FileReader, Limits, discover
from pipeline.run import run
from pipeline.runtime.workers import ReadPool
from tests.bad_inputs import cases, long_documents

CASES = cases()


@pytest.mark.parametrize("name,data,status,words", CASES, ids=[c[0][:20] for c in CASES])
def test_each_bad_input(campaign, name, data, status, words):
    from pipeline.extract import Extractor

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    records = FileReader(extract=Extractor(campaign)).read_bytes(data, name, None)
    own = records[0]
    if status != "*":
        assert own.status == status, (own.status, own.error)
    assert words in (own.error or "")
    if own.status != "ok":
        assert own.error and "；" in own.error
    assert own.chars < 100_000, "entities must not expand"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 300 * 1024, "memory stays bounded"


def test_the_whole_bad_corpus_runs_without_stopping(tmp_path, campaign):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, data, _, _ in CASES:
        (inbox / name).write_bytes(data)
    # A name in GBK bytes, as a Windows copy onto a Linux share leaves it.
    gbk = os.fsencode(inbox) + b"/" + "活动总结（GBK文件名）.docx".encode("gbk")
    with open(gbk, "wb") as fh:
        fh.write(CASES[-1][1])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("方案.docx", CASES[-1][1])
        zf.writestr("方案.docx", CASES[-1][1])  # zip allows the same name twice
    (inbox / "同名成员.zip").write_bytes(buf.getvalue())
    report = run(inbox, tmp_path / "out", campaign, workers=2)  # the product's way: reader processes, limits
    records = [
        json.loads(line) for line in (tmp_path / "out" / "records.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    files = {r["file"] for r in records}
    assert "活动总结（GBK文件名）.docx" in files
    assert {"同名成员.zip/方案.docx", "同名成员.zip/方案~2.docx"} <= files
    assert report["files"] == len(records) == len(discover(inbox)) + 2


def test_a_300_page_document_is_read_within_its_limits(tmp_path):
    for name, data in long_documents():
        (tmp_path / name).write_bytes(data)
    items = discover(tmp_path)
    with ReadPool(2, load_campaign(), Limits(read_seconds=120, worker_memory_mb=1024)) as pool:
        found = {i.rel: recs[0] for i, recs in zip(items, pool.read(items))}
    word, pdf = found["资料汇编300页.docx"], found["资料汇编300页.pdf"]
    assert (word.status, pdf.status) == ("ok", "ok"), (word.error, pdf.error)
    assert pdf.pages == 300 and pdf.chars > 300 * 200
    assert word.chars > 300 * 50 and word.metrics  # read to the end and extracted
    assert not pool.stopped
