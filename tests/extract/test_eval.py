"""Extraction quality on the samples holds the floors; a second campaign needs no code change."""

import json

import pytest

from pipeline.campaign import CampaignError, load_campaign
from pipeline.evaluate import evaluate, load_labels
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def evaluation(sample_records):
    records = [r.to_dict() for r in sample_records]
    return evaluate(json.loads(json.dumps(records)), load_labels(ROOT / "samples" / "labels.json"))


def test_floors(evaluation):
    assert evaluation.sets["activity_types"].f1 >= 0.90
    assert evaluation.sets["activity_dates"].f1 >= 0.90
    assert evaluation.accuracy["submitter"].value >= 0.95
    assert evaluation.accuracy["doc_kind"].value >= 0.95
    assert evaluation.metrics_accuracy >= 0.90


def test_every_readable_record_carries_the_extracted_fields_with_evidence(sample_records):
    for rec in sample_records:
        d = rec.to_dict()
        for key in (
            "submitter",
            "submitter_kind",
            "doc_kind",
            "doc_date",
            "activity_types",
            "activity_dates",
            "metrics",
            "highlights",
            "activities",
            "evidence",
        ):
            assert key in d
        if rec.status == "ok" and rec.activity_types:
            assert set(rec.evidence["activity_types"]) == set(rec.activity_types)
            assert all(e["text"] and e["location"] for e in rec.evidence["activity_types"].values())


def test_a_second_campaign_works_without_code_changes(tmp_path):
    text = (ROOT / "pipeline" / "campaigns" / "wad2018.toml").read_text(encoding="utf-8")
    text = text.replace('id = "wad2018"', 'id = "wmd2019"').replace(
        'name = "2018年世界认可日"', 'name = "2019年世界计量日"'
    )
    text = text.replace("year = 2018", "year = 2019").replace('day = "2018-06-09"', 'day = "2019-05-20"')
    text = text.replace(
        'day_names = ["世界认可日当天", "认可日当天", "活动当天", "当天"]', 'day_names = ["世界计量日当天", "当天"]'
    )
    text = text.replace('plan = "2018-06-05"', 'plan = "2019-05-10"').replace(
        'summary = "2018-07-15"', 'summary = "2019-06-15"'
    )
    path = tmp_path / "wmd2019.toml"
    path.write_text(text, encoding="utf-8")
    c = load_campaign(path)
    assert (c.year, c.day.isoformat(), c.name) == (2019, "2019-05-20", "2019年世界计量日")
    from tests.extract.test_sender import P, R, doc, extract

    rec = extract(
        c,
        doc(
            ("世界计量日当天，我局在人民广场设点宣传，发放资料800余份。", P, None),
            ("广东省市场监督管理局", P, R),
            ("2019年5月30日", P, R),
        ),
    )
    assert rec.activity_dates == ["2019-05-20"] and rec.metrics == {"materials": 800}
    assert rec.submitter == "广东省" and rec.doc_date == "2019-05-30"


def test_a_broken_campaign_file_says_what_is_wrong(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('[campaign]\nname = "x"\n', encoding="utf-8")
    with pytest.raises(CampaignError, match="缺少字段"):
        load_campaign(path)


def test_a_cue_pattern_that_is_not_a_regular_expression_says_so(tmp_path):
    from pipeline.campaign import DEFAULT_CAMPAIGN

    text = DEFAULT_CAMPAIGN.read_text(encoding="utf-8").replace('"走进" = 0.3,', '"走进" = 0.3, "~走进(社区" = 1.0,', 1)
    path = tmp_path / "broken-pattern.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CampaignError, match="不是有效的正则表达式"):
        load_campaign(path)


def test_every_scan_gives_the_same_facts_as_its_text_version(sample_records):
    """Scans, phone photos, sealed scans and a PDF with a scanned signature page, each against
    the same document's text version (its Word-made PDF where there is one: same layout).
    A paper copy sent alone (a blind sample's only output) is scored by `digest eval` instead."""
    labels = load_labels(ROOT / "samples" / "labels.json")
    source_of = {label["file"]: label["source"] for label in labels}
    scans = [r for r in sample_records if r.ocr]
    assert len(scans) >= 4
    for scan in scans:
        texts = [
            r
            for r in sample_records
            if not r.ocr and r.status in ("ok", "superseded") and source_of.get(r.file) == source_of[scan.file]
        ]
        if not texts:
            continue
        text = min(texts, key=lambda r: (r.format != "pdf", r.format != "docx"))
        for field in ("submitter", "doc_kind", "doc_date", "activity_dates", "metrics"):
            assert getattr(scan, field) == getattr(text, field), (scan.file, text.file, field)
