"""A mail saved as .eml (by `digest fetch-mail`, or dragged out of a mail client).

Its body is a document like any other (HTML made text); its attachments, those of a
forwarded message (message/rfc822) included, are read as the members of an archive are:
`信.eml/附件名`. Names come decoded as the mail wrote them (RFC 2047 encoded words in
GB2312/GBK/GB18030/UTF-8, RFC 2231 `filename*=`, Outlook's `name=` in Content-Type only),
and are made safe: no folders, no `..`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses
from html.parser import HTMLParser

from pipeline.model import Block, BlockKind, Document, Location, Metadata, Source
from pipeline.text import decode_chinese

# A body with less than this left once the quoted lines, the salutation, the signature and the
# sentences handing over the attachments are gone says nothing of its own: one sentence of
# activity (about 50 characters) is a report, "您好！现将《…》报上，请审阅。" is an envelope.
MIN_BODY_CHARS = 30
LOGO_BYTES = 64 * 1024
_AUTO_SUBJECT = re.compile(r"^(?:自动回复|自动答复|Auto(?:matic)?[ -]?Reply|Out of Office|外出)", re.I)
_HANDING_OVER = re.compile(
    r"现将|附件|请查收|请审阅|请审核|请收阅|请查阅|报上|呈上|烦请|谢谢|为准|已上传|见附|已收到|您好"
)
_BLOCK_TAGS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "table", "section", "blockquote"}


@dataclass
class Attachment:
    name: str
    data: bytes
    inline: bool  # a picture shown in the body (a logo, a signature): listed, not a document


@dataclass
class Mail:
    meta: dict  # {"from", "subject", "date", "message_id"}: what records carry as `mail`
    subject: str
    body: str
    attachments: list[Attachment] = field(default_factory=list)
    automatic: bool = False  # an auto-reply or bounce: no document claims a sender
    sender: tuple[str, str] = ("", "")  # the first From: (display name, address)


def parse_mail(data: bytes, max_parts: int = 1000) -> Mail:
    """The mail's headers, body text and attachments. Raises ValueError on too many parts."""
    msg = BytesParser(policy=policy.default).parsebytes(_as_clients_meant(data))
    subject = _header(msg, "subject")
    senders = [(n, a) for n, a in getaddresses([_header(msg, "from")]) if a or n]
    sender = ", ".join(f"{n} <{a}>" if n else a for n, a in senders)
    meta = {"from": sender, "subject": subject, "date": _header(msg, "date"), "message_id": _header(msg, "message-id")}
    automatic = bool(
        _AUTO_SUBJECT.match(subject)
        or _header(msg, "auto-submitted").lower() not in ("", "no")
        or _header(msg, "x-autoreply")
        or msg.get_content_type() == "multipart/report"
    )
    body_plain, body_html, attachments = None, None, []
    for n, part in enumerate(msg.walk()):
        if n > max_parts:
            raise ValueError("too many parts")
        if part.is_multipart() or part.get_content_type() == "message/rfc822":
            continue
        name = _windows_path_name(part) or part.get_filename()
        disposition = part.get_content_disposition()
        if name or disposition == "attachment" or part.get_content_maintype() != "text":
            payload = part.get_payload(decode=True) or b""
            # A logo or a signature picture in the body; a phone's photo shown inline is larger.
            inline = (
                disposition != "attachment" and part.get_content_maintype() == "image" and len(payload) < LOGO_BYTES
            )
            attachments.append(Attachment(safe_name(name, len(attachments) + 1, part), payload, inline))
        elif part.get_content_type() == "text/plain" and body_plain is None:
            body_plain = _text(part)
        elif part.get_content_type() == "text/html" and body_html is None:
            body_html = html_to_text(_text(part))
    body = body_plain if body_plain and body_plain.strip() else body_html or ""
    return Mail(meta, subject, body.strip(), attachments, automatic, senders[0] if senders else ("", ""))


# Chinese clients label GBK text "gb2312" (镕 and 堃 are not in GB2312): read every such label as
# GB18030, which holds both. And some write headers in raw GBK bytes, which the email package
# would read as UTF-8 and lose: such a header line is made UTF-8 first.
_GB_LABEL = re.compile(rb"(?i)(=\?|charset=\"?|\*=)(?:gb2312|gbk|x-gbk|cp936|euc-cn|gb_2312-80)(?=[?\"';\s])")
_HEADER_LINE = re.compile(rb"^(?:[!-9;-~]+:|[ \t])")


def _as_clients_meant(data: bytes) -> bytes:
    data = _GB_LABEL.sub(rb"\1gb18030", data)
    if not re.search(rb"[\x80-\xff]", data):
        return data
    lines = data.split(b"\n")
    in_header = True
    for n, line in enumerate(lines):
        if not line.strip(b"\r"):
            in_header = False
        elif line.startswith(b"--"):
            in_header = True  # a boundary: a part's headers follow
        elif in_header and _HEADER_LINE.match(line) and re.search(rb"[\x80-\xff]", line):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    lines[n] = line.decode("gb18030").encode("utf-8")
                except UnicodeDecodeError:
                    pass
    return b"\n".join(lines)


def own_lines(mail: Mail) -> list[str]:
    """The body's own lines, or none when it says nothing itself: an auto-reply, or a cover
    note ("您好！现将《…方案》报上，请审阅。" between a salutation and a signature) that only
    sends its attachments."""
    lines = []
    for ln in mail.body.splitlines():
        if ln.rstrip() == "--":
            break  # the signature delimiter "-- "
        ln = ln.strip()
        if ln and not ln.startswith(">"):  # quoted replies are another's text
            lines.append(ln)
    if mail.automatic:
        return []
    said = [ln for n, ln in enumerate(lines) if not _cover_line(ln, first=n == 0)]
    return lines if sum(len(ln) for ln in said) >= MIN_BODY_CHARS else []


def _cover_line(line: str, first: bool) -> bool:
    """A line of a cover note: the salutation, a signature line (a unit, a name, a telephone
    number, 发自我的iPhone), or a sentence that hands over the attachments."""
    if first and line.endswith(("：", ":")) and len(line) <= 40:
        return True
    if len(line) <= 30 and not re.search(r"[。！？；]", line[:-1]):
        return True
    return len(line) <= 120 and bool(_HANDING_OVER.search(line))


def mail_document(mail: Mail, source: Source) -> Document | None:
    """The body as a document (the subject as its title), or None when it says nothing itself."""
    lines = own_lines(mail)
    if not lines:
        return None
    blocks = []
    if mail.subject:
        blocks.append(Block(_strip_prefixes(mail.subject), BlockKind.TITLE, Location(paragraph=1), "center"))
    for ln in lines:
        blocks.append(Block(ln, BlockKind.PARAGRAPH, Location(paragraph=len(blocks) + 1)))
    return Document(source=source, metadata=Metadata(title=mail.subject or None), blocks=blocks, pages=None)


def safe_name(name: str | None, n: int, part: EmailMessage) -> str:
    """An attachment's own name, without folders or `..`; a part without one gets 附件N.ext."""
    if name:
        name = re.sub(r"[\x00-\x1f]", "", name).replace("\\", "/").split("/")[-1].strip().lstrip(".").strip()
    if not name:
        subtype = part.get_content_subtype()
        ext = {"jpeg": "jpg", "plain": "txt", "octet-stream": "bin"}.get(subtype, subtype)
        name = f"附件{n}.{ext}"
    return name


def _windows_path_name(part: EmailMessage) -> str | None:
    """A name sent as a Windows path (an old webmail uploading C:\\Users\\…\\方案.doc, its
    backslashes unescaped): its last part, taken from the raw header before the quoting rules
    would drop the backslashes and run the folders into the name."""
    for header, key in (("content-disposition", "filename"), ("content-type", "name")):
        for name, value in part.raw_items():
            if name.lower() != header:
                continue
            m = re.search(rf'\b{key}\s*=\s*"([^"]*\\[^"]*)"', str(value), re.I)
            if m:
                return _header_text(m.group(1).rsplit("\\", 1)[-1]).strip() or None
    return None


def _header_text(raw: str) -> str:
    """Raw header text as read: encoded words decoded, 8-bit UTF-8 bytes (kept by the parser
    as surrogates) made characters."""
    if "=?" in raw:
        try:
            return str(make_header(decode_header(raw)))
        except (LookupError, UnicodeDecodeError, ValueError):
            pass
    return raw.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return re.sub(r"\n\s*\n+", "\n", "".join(parser.out)).strip()


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head"):
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data.replace("\xa0", " "))


def _header(msg: EmailMessage, name: str) -> str:
    try:
        value = msg.get(name)
    except (ValueError, TypeError, IndexError):  # a header too malformed to decode says nothing
        value = ""
    return re.sub(r"\s+", " ", str(value or "")).strip()


def _text(part: EmailMessage) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeDecodeError, ValueError):  # an unknown or wrong charset
        raw = part.get_payload(decode=True) or b""
        return decode_chinese(raw) or raw.decode("gb18030", errors="replace")


def _strip_prefixes(subject: str) -> str:
    return re.sub(r"^(?:(?:回复|答复|转发|Re|Fw|Fwd)\s*[:：]\s*)+", "", subject, flags=re.I)
