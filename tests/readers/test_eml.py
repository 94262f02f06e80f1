"""Mails saved as .eml: the body is a document, the attachments are members, every record
carries the mail's headers; names arrive in every encoding mail clients use."""

import io
from email.header import Header
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from docx import Document as WordDocument

from pipeline.extract import Extractor
from pipeline.inbox import FileReader, discover
from pipeline.readers.detect import detect_format
from pipeline.readers.eml import parse_mail


def word(*paragraphs: str) -> bytes:
    d = WordDocument()
    for p in paragraphs:
        d.add_paragraph(p)
    buffer = io.BytesIO()
    d.save(buffer)
    return buffer.getvalue()


PLAN = word(
    "某某省质量技术监督局2018年世界认可日活动方案",
    "6月9日，在省会广场举办主题宣传活动，组织检验检测机构设点咨询。",
    "某某省质量技术监督局",
    "2018年6月1日",
)


def read(tmp_path, name: str, data: bytes, campaign):
    (tmp_path / name).write_bytes(data)
    [item] = [i for i in discover(tmp_path) if i.rel == name]
    return FileReader(extract=Extractor(campaign)).read(item)


def test_attachment_names_in_every_encoding_and_made_safe(tmp_path, campaign):
    outer = MIMEMultipart()
    outer["From"] = Header("湖北省质监局认证处", "gb2312").encode() + " <rzc@example.gov.cn>"
    outer["To"] = "office@example.gov.cn"
    outer["Subject"] = Header("报送2018年世界认可日活动方案", "gb2312")
    outer["Date"] = "Mon, 04 Jun 2018 16:20:00 +0800"
    outer["Message-ID"] = "<plan-1@example.gov.cn>"
    outer.attach(MIMEText("见附件，请查收。", "plain", "utf-8"))
    encoded = MIMEApplication(PLAN)  # RFC 2047 in GB2312, as Outlook and Foxmail write it
    encoded.add_header("Content-Disposition", "attachment", filename=Header("湖北方案.docx", "gb2312").encode())
    outer.attach(encoded)
    rfc2231 = MIMEApplication(PLAN + b"")  # filename*=UTF-8''…
    rfc2231.add_header("Content-Disposition", "attachment", filename=("utf-8", "", "附件二：活动安排.docx"))
    outer.attach(rfc2231)
    outlook = MIMEApplication(word("另一份"), Name=Header("方案.docx", "gbk").encode())  # name= in Content-Type only
    outer.attach(outlook)
    escaping = MIMEApplication(word("路径"))
    escaping.add_header("Content-Disposition", "attachment", filename="../../etc/方案.docx")
    outer.attach(escaping)
    forwarded = MIMEMultipart()
    forwarded["Subject"] = Header("转发：总结", "utf-8").encode()
    forwarded.attach(MIMEText("转发的邮件。", "plain", "utf-8"))
    inner = MIMEApplication(word("转发附件"))
    inner.add_header("Content-Disposition", "attachment", filename=("utf-8", "", "转发的总结.docx"))
    forwarded.attach(inner)
    wrapper = MIMEApplication(b"")
    wrapper.set_type("message/rfc822")
    wrapper.set_payload([forwarded])
    outer.attach(wrapper)
    records = read(tmp_path, "来信.eml", outer.as_bytes(), campaign)

    container, *members = records
    assert container.file == "来信.eml" and container.submitter is None  # "见附件" claims no sender
    names = [m.file for m in members]
    assert names == [
        "来信.eml/湖北方案.docx",
        "来信.eml/附件二：活动安排.docx",
        "来信.eml/方案.docx",
        "来信.eml/方案~2.docx",  # "../../etc/方案.docx", made safe, beside the other 方案.docx
        "来信.eml/转发的总结.docx",
    ]
    assert container.members == names
    plan = members[0]
    assert plan.status == "ok" and plan.doc_kind == "plan"
    for rec in records:
        assert rec.mail["subject"] == "报送2018年世界认可日活动方案"
        assert rec.mail["from"] == "湖北省质监局认证处 <rzc@example.gov.cn>"
        assert rec.mail["message_id"] == "<plan-1@example.gov.cn>"


def test_a_report_in_the_body_is_read_and_an_auto_reply_claims_nothing(tmp_path, campaign):
    mail = EmailMessage()
    mail["From"] = "zjj@example.gov.cn"
    mail["Subject"] = "某市2018年世界认可日活动总结"
    mail["Date"] = "Mon, 16 Jul 2018 09:12:00 +0800"
    html = (
        "<html><head><style>p{}</style></head><body><p>国家认监委办公室：</p>"
        "<p>6月9日，我局在市民广场举办世界认可日主题宣传活动，发放宣传资料2000余份，接受咨询300余人次。</p>"
        "<p>青岛市质量技术监督局</p><p>2018年7月15日</p></body></html>"
    )
    mail.set_content(html, subtype="html")
    [rec] = read(tmp_path, "总结.eml", mail.as_bytes(), campaign)
    assert (rec.status, rec.submitter, rec.doc_kind, rec.doc_date) == ("ok", "青岛市", "summary", "2018-07-15")
    assert rec.metrics == {"materials": 2000, "consultations": 300}

    auto = EmailMessage()
    auto["From"] = "someone@example.gov.cn"
    auto["Subject"] = "自动回复：世界认可日活动总结"
    auto["Auto-Submitted"] = "auto-replied"
    auto.set_content("您好，我已休假，6月11日返回。青岛市质量技术监督局认证处某某，有事请联系办公室电话。" * 2)
    [rec] = read(tmp_path, "自动回复.eml", auto.as_bytes(), campaign)
    assert rec.status == "ok" and rec.submitter is None and rec.doc_kind is None


def test_a_mail_is_told_from_a_web_page_and_a_broken_one_costs_only_itself(tmp_path, campaign):
    assert detect_format(b"From: a@b.cn\r\nSubject: x\r\nDate: Mon, 4 Jun 2018\r\n\r\nhi", "x.txt") == "eml"
    assert detect_format(b"MIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n<html>", "page.mht") == "html"
    [rec] = read(tmp_path, "坏.eml", b"From: a@b.cn\r\nSubject: =?gb2312?B?broken\r\n\r\n", campaign)
    assert rec.status in ("ok", "failed")


def test_a_mail_too_large_to_unpack_is_refused_in_chinese(tmp_path):
    from pipeline.inbox import Limits

    mail = EmailMessage()
    mail["From"] = "a@example.gov.cn"
    mail["Subject"] = "附件"
    mail.set_content("见附件。")
    mail.add_attachment(b"x" * 5000, maintype="application", subtype="octet-stream", filename="大.bin")
    (tmp_path / "大.eml").write_bytes(mail.as_bytes())
    [item] = discover(tmp_path)
    [rec] = FileReader(limits=Limits(max_archive_total=1000)).read(item)
    assert rec.status == "failed" and rec.error.startswith("邮件附件合计过大")


def test_what_chinese_clients_write_gbk_under_a_gb2312_label_and_raw_gbk_names():
    """镕 is GBK, not GB2312, yet clients label it gb2312; some webmails put raw GBK bytes in
    a filename; RFC 2231 names come in gb2312 too."""
    import base64

    def word(text: str) -> str:
        return f"=?gb2312?B?{base64.b64encode(text.encode('gbk')).decode()}?="

    raw = (
        f"From: {word('湖北省质监局')} <a@example.gov.cn>\r\nSubject: {word('报送活动总结（朱镕基路）')}\r\n"
        'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="XX"\r\n\r\n--XX\r\n'
        'Content-Type: text/plain; charset="gb2312"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        f"{base64.b64encode('见附件。镕'.encode('gbk')).decode()}\r\n--XX\r\n"
        'Content-Type: application/msword\r\nContent-Disposition: attachment; filename="RAW.doc"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\neQ==\r\n--XX\r\n"
        "Content-Type: application/msword\r\nContent-Disposition: attachment; filename*=gb2312''%D5%E3%BD%AD.doc\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\neQ==\r\n--XX--\r\n"
    ).encode("ascii")
    raw = raw.replace(b"RAW", "浙江省方案".encode("gbk"))
    mail = parse_mail(raw)
    assert mail.subject == "报送活动总结（朱镕基路）"
    assert mail.sender == ("湖北省质监局", "a@example.gov.cn")
    assert mail.body == "见附件。镕"
    assert [a.name for a in mail.attachments] == ["浙江省方案.doc", "浙江.doc"]
