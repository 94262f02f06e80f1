"""`digest fetch-mail` against a real Dovecot IMAP server on 127.0.0.1 (tests/imap_server.py):
names in the encodings mail clients write, arrivals as the files' times, the mailbox left as
it was, a second fetch that writes nothing, and lateness judged by the mail's arrival."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.image import MIMEImage
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest
from openpyxl import load_workbook

from flows.cli import main
from pipeline.campaign import load_campaign
from pipeline.mailbox import MailConfig, MailLimits, fetch_mail, load_mail_config
from pipeline.outputs.records import load_records
from pipeline.records.ledger import record_from_dict
from pipeline.run import run
from tests.conftest import ROOT
from tests.readers.test_eml import word

CST = timezone(timedelta(hours=8))
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\0" * 40


def mail(subject: str, sender: str, body: str = "见附件，请查收。", html: bool = False, **headers) -> MIMEMultipart:
    msg = MIMEMultipart()
    msg["From"] = sender
    msg["To"] = "rzrkr@example.gov.cn"
    msg["Subject"] = Header(subject, "utf-8")
    msg["Date"] = headers.get("date", "Fri, 13 Jul 2018 16:00:00 +0800")
    msg["Message-ID"] = headers.get("message_id", f"<{abs(hash(subject))}@example.gov.cn>")
    for name, value in headers.get("extra", {}).items():
        msg[name] = value
    msg.attach(MIMEText(body, "html" if html else "plain", "utf-8"))
    return msg


def attach(msg, data: bytes, disposition: str | None = None, **params) -> None:
    part = MIMEApplication(data, **params)
    if disposition:
        part["Content-Disposition"] = disposition
    msg.attach(part)


def named(name: str, charset: str = "utf-8") -> str:
    """Content-Disposition with the name as an RFC 2047 encoded word, as most clients write it."""
    return f'attachment; filename="{Header(name, charset).encode()}"'


def password_file(tmp_path: Path, mailbox) -> Path:
    path = tmp_path / "password.txt"
    path.write_text(mailbox.password + "\n", encoding="utf-8")  # the line break is not the password's
    return path


def cli(mailbox, tmp_path: Path, to: Path, *extra: str, port: int | None = None) -> int:
    args = ["fetch-mail", "--host", mailbox.host, "--port", str(port or mailbox.port), "--user", mailbox.user]
    args += ["--password-file", str(password_file(tmp_path, mailbox)), "--to", str(to), "--security", "none"]
    return main([*args, *extra])


def state(folder: Path) -> dict:
    """Every file under `folder` (hidden ones too) with its bytes and time."""
    return {p.relative_to(folder): (p.read_bytes(), p.stat().st_mtime) for p in folder.rglob("*") if p.is_file()}


def test_names_arrivals_and_an_unchanged_mailbox(mailbox, tmp_path, capsys):
    arrival = datetime(2018, 7, 13, 16, 5, 30, tzinfo=CST)
    names = mail("报送活动总结", f"{Header('湖南省', 'gb2312').encode()} <hn@example.gov.cn>")
    for n, (charset, name) in enumerate(
        [("gb2312", "湖南省活动总结.docx"), ("gbk", "河南省活动总结（定稿）.docx"), ("gb18030", "䶮县活动方案.docx")]
    ):
        attach(names, word(f"文件{n}"), named(name, charset))
    attach(
        names,
        word("rfc2231"),
        "attachment; filename*=UTF-8''%E9%99%84%E4%BB%B6%E4%BA%8C%EF%BC%9A%E7%BB%9F%E8%AE%A1%E8%A1%A8.docx",
    )
    attach(names, word("outlook"), None, Name=Header("名单.docx", "gbk").encode())  # name= in Content-Type only
    attach(names, word("escape"), named("../../etc/方案.docx"))
    attach(names, word("absolute"), named("/tmp/总结.docx"))
    attach(names, word("first"), named("附件.docx"))
    attach(names, word("second"), named("附件.docx"))
    mailbox.append(names, arrival)

    packed = mail("报送活动材料（压缩包）", "zj@example.gov.cn", message_id="<zip@example.gov.cn>")
    attach(packed, (ROOT / "samples" / "inbox").joinpath(next(_zips())).read_bytes(), named("材料.zip"))
    logo = MIMEImage(PNG, "png")
    logo["Content-ID"] = "<logo>"
    logo["Content-Disposition"] = 'inline; filename="logo.png"'
    packed.attach(logo)
    mailbox.append(packed, arrival + timedelta(hours=1))

    inner = mail("天津市世界认可日活动总结", "tj@example.gov.cn", message_id="<inner@example.gov.cn>")
    attach(inner, word("天津"), named("天津市活动总结.docx"))
    forward = mail("转发：天津市世界认可日活动总结", "clerk@example.gov.cn", message_id="<fwd@example.gov.cn>")
    forward.attach(MIMEMessage(inner))
    mailbox.append(forward, arrival + timedelta(hours=2))

    report = "6月9日，我局在人民广场举办世界认可日主题宣传活动，发放宣传资料3000余份，接受群众咨询200余人次。" * 2
    mailbox.append(mail("宁夏世界认可日活动信息", "nx@example.gov.cn", body=report), arrival + timedelta(days=1))
    mailbox.append(
        mail("青海省活动信息", "qh@example.gov.cn", body=f"<html><body><p>{report}</p></body></html>", html=True),
        arrival + timedelta(days=1, hours=1),
    )
    mailbox.append(
        mail("自动回复：报送活动总结", "away@example.gov.cn", extra={"Auto-Submitted": "auto-replied"}),
        arrival + timedelta(days=2),
    )
    mailbox.append(mail("收到", "ok@example.gov.cn", body="收到，谢谢。"), arrival + timedelta(days=2))

    before = mailbox.snapshot()
    to = tmp_path / "inbox"
    assert cli(mailbox, tmp_path, to) == 0
    assert mailbox.snapshot() == before  # no \Seen set, no \Recent taken, nothing moved

    saved = {p.name for p in to.iterdir() if p.is_file()}
    assert saved == {
        "湖南省活动总结.docx",
        "河南省活动总结（定稿）.docx",
        "䶮县活动方案.docx",
        "附件二：统计表.docx",
        "名单.docx",
        "方案.docx",
        "总结.docx",
        "附件.docx",
        "附件~2.docx",
        "材料.zip",
        "天津市活动总结.docx",
        "宁夏世界认可日活动信息.eml",
        "青海省活动信息.eml",
    }
    assert (to / "材料.zip").read_bytes() == (ROOT / "samples" / "inbox" / next(_zips())).read_bytes()
    assert os.stat(to / "湖南省活动总结.docx").st_mtime == arrival.timestamp()
    assert os.stat(to / "宁夏世界认可日活动信息.eml").st_mtime == (arrival + timedelta(days=1)).timestamp()

    lines = [json.loads(x) for x in (to / ".mail" / "messages.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 7
    first = lines[0]
    assert first["from"] == {"address": "hn@example.gov.cn", "name": "湖南省"}
    assert first["subject"] == "报送活动总结" and first["uid"] == 1 and first["uidvalidity"]
    assert datetime.fromisoformat(first["arrival"]) == arrival
    assert first["files"][:2] == ["湖南省活动总结.docx", "河南省活动总结（定稿）.docx"]
    assert lines[1]["inline"] == ["logo.png"]
    assert lines[5]["files"] == [] and "自动回复" in lines[5]["note"]
    assert lines[6]["files"] == [] and "正文过短" in lines[6]["note"]
    assert "收取新邮件 7 封，保存文件 13 个" in capsys.readouterr().out

    again = state(to)
    assert cli(mailbox, tmp_path, to) == 0  # nothing new: nothing written
    assert state(to) == again
    assert "没有新邮件" in capsys.readouterr().out


def _zips():
    return (p.name for p in sorted((ROOT / "samples" / "inbox").iterdir()) if p.suffix == ".zip")


def test_a_moved_message_is_not_taken_twice(mailbox, tmp_path):
    msg = mail("报送活动方案", "gz@example.gov.cn", message_id="<moved@example.gov.cn>")
    attach(msg, word("贵州"), named("贵州省活动方案.docx"))
    mailbox.append(msg, datetime(2018, 6, 4, 10, 0, tzinfo=CST))
    to = tmp_path / "inbox"
    assert cli(mailbox, tmp_path, to) == 0
    mailbox.move(1, "已归档")  # a clerk files it: another folder, another UID
    assert cli(mailbox, tmp_path, to, "--mailbox", "已归档") == 0
    lines = (to / ".mail" / "messages.jsonl").read_text(encoding="utf-8").splitlines()
    assert [p.name for p in to.iterdir() if p.is_file()] == ["贵州省活动方案.docx"]
    assert json.loads(lines[1])["same_as"].startswith("INBOX/")


@pytest.mark.parametrize(
    "case, code, words",
    [
        ("password", 2, "用户名或密码不正确"),
        ("unreachable", 4, "无法连接邮件服务器"),
        ("tls-to-plain-port", 2, "建立加密连接失败"),
        ("self-signed", 2, "证书无法验证"),
    ],
)
def test_what_stops_a_fetch_says_so_and_writes_nothing(mailbox, tmp_path, capsys, case, code, words):
    mailbox.append(mail("方案", "a@example.gov.cn"), datetime(2018, 6, 1, tzinfo=CST))
    to = tmp_path / "inbox"
    if case == "password":
        (tmp_path / "wrong.txt").write_text("not-the-password\n")
        args = ["--password-file", str(tmp_path / "wrong.txt")]
        result = main(["fetch-mail", "--host", mailbox.host, "--port", str(mailbox.port), "--user", mailbox.user]
                      + args + ["--to", str(to), "--security", "none"])  # fmt: skip
    elif case == "unreachable":
        with __import__("socket").socket() as s:
            s.bind(("127.0.0.1", 0))
            closed = s.getsockname()[1]
        result = cli(mailbox, tmp_path, to, port=closed)
    elif case == "tls-to-plain-port":
        result = cli(mailbox, tmp_path, to, "--security", "ssl")
    else:
        result = cli(mailbox, tmp_path, to, "--security", "ssl", port=mailbox.tls_port)
    assert result == code
    assert words in capsys.readouterr().err
    assert not to.exists()


def test_tls_with_the_office_certificate_and_starttls(mailbox, tmp_path):
    msg = mail("报送活动方案", "sc@example.gov.cn")
    attach(msg, word("四川"), named("四川省活动方案.docx"))
    mailbox.append(msg, datetime(2018, 6, 4, 10, 0, tzinfo=CST))
    ssl_to, starttls_to = tmp_path / "ssl", tmp_path / "starttls"
    assert (
        cli(mailbox, tmp_path, ssl_to, "--security", "ssl", "--ca-file", str(mailbox.cert), port=mailbox.tls_port) == 0
    )
    assert cli(mailbox, tmp_path, starttls_to, "--security", "starttls", "--ca-file", str(mailbox.cert)) == 0
    assert (ssl_to / "四川省活动方案.docx").read_bytes() == (starttls_to / "四川省活动方案.docx").read_bytes()


def test_a_message_over_the_limits_is_listed_and_the_rest_fetched(mailbox, tmp_path):
    big = mail("大邮件", "big@example.gov.cn")
    attach(big, os.urandom(300_000), named("视频.mp4"))
    many = mail("很多附件", "many@example.gov.cn")
    for n in range(12):
        attach(many, str(n).encode(), f'attachment; filename="{n}.docx"')
    fine = mail("报送活动总结", "fine@example.gov.cn")
    attach(fine, word("总结"), named("总结.docx"))
    for n, msg in enumerate((big, many, fine)):
        mailbox.append(msg, datetime(2018, 7, 10, 9, n, tzinfo=CST))
    config = MailConfig(mailbox.host, mailbox.user, mailbox.password, mailbox.port, security="none")
    result = fetch_mail(config, tmp_path, MailLimits(max_message_bytes=200_000, max_parts=8))
    assert result.files == ["总结.docx"]
    assert [m["uid"] for m in result.skipped] == [1, 2]
    assert "邮件过大" in result.skipped[0]["error"] and "无法解析" in result.skipped[1]["error"]
    assert "2 封未能处理" in result.summary()


def test_mail_config_keeps_the_password_out(tmp_path, monkeypatch):
    (tmp_path / "pw").write_text("s3cret\r\n", encoding="utf-8")
    (tmp_path / "mail.toml").write_text('host = "imap.example.gov.cn"\nuser = "rzrkr"\npassword_file = "pw"\n')
    config = load_mail_config(tmp_path / "mail.toml")
    assert config.password == "s3cret" and config.security == "ssl" and "s3cret" not in repr(config)
    (tmp_path / "env.toml").write_text('[mail]\nhost = "h"\nuser = "u"\npassword_env = "DIGEST_MAIL_PW"\n')
    monkeypatch.setenv("DIGEST_MAIL_PW", "from-env")
    assert load_mail_config(tmp_path / "env.toml").password == "from-env"
    (tmp_path / "bad.toml").write_text('host = "h"\nuser = "u"\npassword = "inline"\n')
    with pytest.raises(Exception, match="不能直接写密码"):
        load_mail_config(tmp_path / "bad.toml")


def test_lateness_by_the_mail_arrival_and_the_sender_by_address(mailbox, tmp_path):
    """云南's summary reached the mailbox on 7月20日 (five days late), though the file in the
    inbox says 7月10日; a summary that does not say who wrote it is known by its address."""
    summary = mail("云南省世界认可日活动总结", "yn@example.gov.cn")
    sample = ROOT / "samples" / "inbox" / "云南省质监局2018年世界认可日活动总结.docx"
    attach(summary, sample.read_bytes(), named(sample.name, "gb18030"))
    mailbox.append(summary, datetime(2018, 7, 20, 9, 30, tzinfo=CST))
    anonymous = mail("总结", "xcc@gz-example.gov.cn")
    attach(
        anonymous,
        word(
            "2018年世界认可日活动总结",
            "6月9日，我局在人民广场开展世界认可日宣传活动，发放宣传资料3000余份，接受群众咨询200余人次。",
        ),
        named("活动总结.docx"),
    )
    mailbox.append(anonymous, datetime(2018, 7, 12, 9, 0, tzinfo=CST))
    inbox = tmp_path / "inbox"
    assert cli(mailbox, tmp_path, inbox) == 0
    on_time = datetime(2018, 7, 10, 9, 0, tzinfo=CST).timestamp()
    os.utime(inbox / sample.name, (on_time, on_time))  # copied by hand on a day that was on time

    text = (ROOT / "pipeline" / "campaigns" / "wad2018.toml").read_text(encoding="utf-8")
    text = text.replace('name = "贵州省"\n', 'name = "贵州省"\nmail = ["@gz-example.gov.cn"]\n')
    (tmp_path / "campaign.toml").write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    run(inbox, out, load_campaign(tmp_path / "campaign.toml"))

    records = {r["file"]: record_from_dict(r) for r in load_records(out / "records.jsonl")}
    yunnan = records[sample.name]
    assert yunnan.submitter == "云南省" and yunnan.mail["from"] == "yn@example.gov.cn"
    assert datetime.fromisoformat(yunnan.arrived) == datetime(2018, 7, 20, 9, 30, tzinfo=CST)
    guizhou = records["活动总结.docx"]
    assert (guizhou.submitter, guizhou.submitter_source, guizhou.doc_kind) == ("贵州省", "发件邮箱", "summary")
    sheet = load_workbook(out / "digest.xlsx")["报送情况"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]}
    assert rows["云南省"]["总结按时"] == "否" and rows["云南省"]["总结逾期天数"] == 5
    assert rows["贵州省"]["总结按时"] == "是"


def test_mails_as_real_clients_write_them(mailbox, tmp_path):
    """samples/mail: 14 messages written blind, byte by byte, as Outlook, Foxmail, QQ Mail,
    163/126, Apple Mail, iPhone, Thunderbird, an old webmail and Exchange write them."""
    import subprocess
    import sys
    from pathlib import PurePosixPath

    made = tmp_path / "made"
    subprocess.run([sys.executable, str(ROOT / "samples" / "mail" / "make_mails.py"), str(made)], check=True)
    labels = json.loads((ROOT / "samples" / "mail" / "labels.json").read_text(encoding="utf-8"))
    start = datetime(2018, 7, 10, 9, 0, tzinfo=CST)
    for n, label in enumerate(labels):
        mailbox.append((made / label["file"]).read_bytes(), start + timedelta(hours=n))
    before = mailbox.snapshot()
    to = tmp_path / "inbox"
    assert cli(mailbox, tmp_path, to) == 0
    assert mailbox.snapshot() == before
    lines = [json.loads(x) for x in (to / ".mail" / "messages.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(labels)
    for n, (label, line) in enumerate(zip(labels, lines)):
        assert line["from"] == {"address": label["from_address"], "name": label["from_name"]}, label["file"]
        assert line["subject"] == label["subject"], label["file"]
        want = list(label["attachments"])
        for k, name in enumerate(want):  # a name already given is kept as 名~2
            if name in want[:k]:
                stem = PurePosixPath(name)
                want[k] = f"{stem.stem}~{want[:k].count(name) + 1}{stem.suffix}"
        if label["body_is_report"]:
            want.insert(0, f"{label['subject']}.eml")
        if label["auto_reply"]:
            want = []
        assert line["files"] == want, label["file"]
        assert line["inline"] == label["inline_logos"], label["file"]
        for name in want:
            assert (to / name).stat().st_mtime == (start + timedelta(hours=n)).timestamp()
    again = state(to)
    assert cli(mailbox, tmp_path, to) == 0
    assert state(to) == again
