"""The Prefect flow end to end, on a small copy of the sample inbox, with embedded Prefect."""

import json
import shutil

from flows.nightly import batches, run_nightly
from pipeline.inbox import discover
from tests.conftest import INBOX


def test_flow_writes_one_record_per_file(prefect_harness, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    picked = [p for p in sorted(INBOX.iterdir()) if p.suffix in (".docx", ".pdf", ".zip", ".jpg")][:8]
    for p in picked:
        shutil.copy2(p, inbox / p.name)
    out = tmp_path / "out"
    report = run_nightly(inbox, out, workers=2)
    lines = (out / "records.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert {r["file"] for r in records} >= {p.name for p in picked}
    assert report["files"] == len(records)
    assert json.loads((out / "run_report.json").read_text(encoding="utf-8"))["files"] == len(records)
    for name in ("digest.xlsx", "shortlist.docx", "shortlist.md", "ledger.sqlite", "run_report.md"):
        assert (out / name).exists(), name


def test_batches_balance_sizes():
    items = discover(INBOX)
    parts = batches(items, 4)
    assert sorted(i.rel for b in parts for i in b) == sorted(i.rel for i in items)
    sizes = [sum(i.size for i in b) for b in parts]
    assert max(sizes) < 2.5 * (sum(sizes) / len(sizes))


def test_the_flow_fetches_mail_first_and_retries_an_unreachable_server(prefect_harness, mailbox, tmp_path):
    from datetime import datetime, timedelta, timezone

    from prefect.client.orchestration import get_client

    from tests.test_fetch_mail import attach, mail, named

    sample = INBOX / "云南省质监局2018年世界认可日活动总结.docx"
    msg = mail("云南省世界认可日活动总结", "yn@example.gov.cn")
    attach(msg, sample.read_bytes(), named(sample.name, "gb18030"))
    mailbox.append(msg, datetime(2018, 7, 13, 16, 5, tzinfo=timezone(timedelta(hours=8))))
    (tmp_path / "pw").write_text(mailbox.password + "\n")
    config = tmp_path / "mail.toml"
    settings = f'host = "{mailbox.host}"\nuser = "{mailbox.user}"\npassword_file = "pw"\nsecurity = "none"\n'
    config.write_text(settings + f"port = {mailbox.port}\nretries = 1\nretry_delay = 0\n")
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    report = run_nightly(inbox, out, workers=1, mail_config=config)
    assert report["mail"]["files"] == [sample.name]
    [record] = [json.loads(x) for x in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert record["submitter"] == "云南省" and record["mail"]["from"] == "yn@example.gov.cn"
    assert record["arrived"].startswith("2018-07-13T08:05:00")  # INTERNALDATE, as the server keeps it (UTC)

    with __import__("socket").socket() as s:  # a port nobody listens on: the server is away
        s.bind(("127.0.0.1", 0))
        away = s.getsockname()[1]
    config.write_text(settings + f"port = {away}\nretries = 1\nretry_delay = 0\n")
    report = run_nightly(inbox, out, workers=1, mail_config=config)
    assert "无法连接邮件服务器" in report["mail"]["error"]
    assert report["files"] == 1  # the night went on with what the inbox holds
    with get_client(sync_client=True) as client:
        fetches = [r for r in client.read_task_runs() if r.name.startswith("fetch mail")]
    assert sorted(r.run_count for r in fetches) == [1, 2]  # tried again once, as configured
