#!/usr/bin/env python3
"""Write 14 raw RFC 5322 messages that imitate what real mail clients emit.

Standard library only, and deliberately *not* the email package: every header,
boundary, encoded word, RFC 2231 parameter and transfer encoding is written by
hand so that the quirks of each client survive (folding inside quoted strings,
gb2312 labels on GBK text, raw 8-bit header bytes, over-long lines, RFC 2231
continuations split in the middle of a UTF-8 sequence, ...).

Output: messages/NN-client.eml beside this script (CRLF line endings).
The script is deterministic (fixed random seeds).
"""

import base64
import binascii
import datetime
import os
import random
import struct
import sys
import zlib

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "messages")
OFFICE = "infocnca@cnca.gov.cn"
CRLF = "\r\n"
TZ = datetime.timezone(datetime.timedelta(hours=8))

# --------------------------------------------------------------------------
# small encoders, written by hand
# --------------------------------------------------------------------------


def gb(text, allow_gbk=False):
    """Encode for a 'gb2312' label. Real clients send GBK bytes under that
    label; allow_gbk marks the places where we do that on purpose."""
    data = text.encode("gbk")
    if not allow_gbk:
        # GB2312 proper: both bytes of every pair in A1..FE (Python's own gb2312
        # codec maps A1AA to U+2015, not the U+2014 that Windows text uses)
        i = 0
        while i < len(data):
            if data[i] < 0x80:
                i += 1
                continue
            if not (0xA1 <= data[i] <= 0xF7 and 0xA1 <= data[i + 1] <= 0xFE):
                raise ValueError("GBK-only character in %r" % text)
            i += 2
    return data


def b64lines(data, width=76):
    s = base64.b64encode(data).decode("ascii")
    return CRLF.join(s[i : i + width] for i in range(0, len(s), width))


def qp(data, width=76):
    """Quoted-printable the way Outlook / OE write it (CRLF = hard break)."""
    out_lines = []
    for raw in data.split(b"\r\n"):
        tokens = []
        for i, b in enumerate(raw):
            last = i == len(raw) - 1
            if b in (0x20, 0x09) and not last:
                tokens.append(chr(b))
            elif 33 <= b <= 126 and b != 0x3D:
                tokens.append(chr(b))
            else:
                tokens.append("=%02X" % b)
        line = ""
        for t in tokens:
            if len(line) + len(t) > width - 1:
                out_lines.append(line + "=")
                line = ""
            line += t
        out_lines.append(line)
    return CRLF.join(out_lines)


def ew(text, label, codec, allow_gbk=False):
    """One RFC 2047 B encoded word."""
    if codec == "gb2312":
        data = gb(text, allow_gbk)
    else:
        data = text.encode(codec)
    return "=?%s?B?%s?=" % (label, base64.b64encode(data).decode("ascii"))


def ew_split(text, label, codec, max_bytes, allow_gbk=False):
    """Several encoded words, split on character boundaries."""
    words, cur = [], ""
    for ch in text:
        enc = gb(cur + ch, allow_gbk) if codec == "gb2312" else (cur + ch).encode(codec)
        if len(enc) > max_bytes and cur:
            words.append(ew(cur, label, codec, allow_gbk))
            cur = ch
        else:
            cur += ch
    if cur:
        words.append(ew(cur, label, codec, allow_gbk))
    return words


SAFE_2231 = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_")


def pct(text, codec="utf-8"):
    return "".join(chr(b) if b in SAFE_2231 else "%%%02X" % b for b in text.encode(codec))


def pct_chunks_bytewise(s, first, rest):
    """Split a %-encoded string into pieces of at most N chars without breaking
    a %XX triplet, but *ignoring* character boundaries (Apple Mail does this)."""
    toks, i = [], 0
    while i < len(s):
        if s[i] == "%":
            toks.append(s[i : i + 3])
            i += 3
        else:
            toks.append(s[i])
            i += 1
    chunks, cur, lim = [], "", first
    for t in toks:
        if len(cur) + len(t) > lim:
            chunks.append(cur)
            cur = ""
            lim = rest
        cur += t
    chunks.append(cur)
    return chunks


def pct_chunks_charwise(text, first, rest, codec="utf-8"):
    """Split on character boundaries (Thunderbird style)."""
    chunks, cur, lim = [], "", first
    for ch in text:
        p = pct(ch, codec)
        if len(cur) + len(p) > lim and cur:
            chunks.append(cur)
            cur = ""
            lim = rest
        cur += p
    chunks.append(cur)
    return chunks


def rfc_date(y, mo, d, h, mi, s, cst=False, pad=False):
    dt = datetime.datetime(y, mo, d, h, mi, s, tzinfo=TZ)
    day = ("%2d" % d) if pad else str(d)
    r = "%s, %s %s %d %02d:%02d:%02d +0800" % (dt.strftime("%a"), day, dt.strftime("%b"), y, h, mi, s)
    return r + (" (CST)" if cst else "")


def received(frm_host, ip, y, mo, d, h, mi, s, qid):
    return [
        "Received: from %s (unknown [%s])" % (frm_host, ip),
        "\tby mx.cnca.gov.cn (Postfix) with ESMTP id %s" % qid,
        "\tfor <%s>; %s" % (OFFICE, rfc_date(y, mo, d, h, mi, s, cst=True, pad=True)),
    ]


# --------------------------------------------------------------------------
# placeholder payloads, different for every attachment
# --------------------------------------------------------------------------


def rnd(seed, n):
    r = random.Random(seed)
    return bytes(r.getrandbits(8) for _ in range(n))


def fake_docx(seed, n=9000):
    return b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + rnd(seed, n)


def fake_zip(seed, n=15000):
    return b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + rnd(seed, n)


def fake_pdf(seed, n=12000):
    return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n" + rnd(seed, n) + b"\n%%EOF\n"


def fake_doc(seed, n=11000):
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rnd(seed, n)


def fake_jpeg(seed, n):
    app1 = b"Exif\x00\x00MM\x00*\x00\x00\x00\x08" + b"Apple\x00iPhone 7\x00"
    return b"\xff\xd8\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + rnd(seed, n) + b"\xff\xd9"


def real_png(w=120, h=40):
    """A small, valid PNG (a blue badge with a stripe), as a signature logo."""
    rows = []
    for y in range(h):
        row = bytearray([0])
        for x in range(w):
            if 14 <= y <= 25 and 10 <= x <= 110:
                row += bytes((255, 255, 255))
            else:
                row += bytes((0, 70 + x // 2, 160))
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(typ, data):
        return struct.pack(">I", len(data)) + typ + data + struct.pack(">I", binascii.crc32(typ + data) & 0xFFFFFFFF)

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def thread_index(seed):
    return base64.b64encode(rnd(seed, 22)).decode("ascii")


# --------------------------------------------------------------------------
# text used in bodies
# --------------------------------------------------------------------------

WORD_HTML_HEAD = (
    '<html xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w="urn:schemas-microsoft-com:office:word" '
    'xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" '
    'xmlns="http://www.w3.org/TR/REC-html40"><head>'
    '<meta http-equiv=Content-Type content="text/html; charset=gb2312">'
    '<meta name=Generator content="Microsoft Word {ver} (filtered medium)">'
    "<style><!--\r\n"
    "/* Font Definitions */\r\n"
    "@font-face\r\n\t{{font-family:宋体;\r\n\tpanose-1:2 1 6 0 3 1 1 1 1 1;}}\r\n"
    "@font-face\r\n\t{{font-family:Calibri;\r\n\tpanose-1:2 15 5 2 2 2 4 3 2 4;}}\r\n"
    '@font-face\r\n\t{{font-family:"\\@宋体";\r\n\tpanose-1:2 1 6 0 3 1 1 1 1 1;}}\r\n'
    "/* Style Definitions */\r\n"
    "p.MsoNormal, li.MsoNormal, div.MsoNormal\r\n"
    "\t{{margin:0cm;\r\n\tmargin-bottom:.0001pt;\r\n\ttext-align:justify;\r\n"
    "\ttext-justify:inter-ideograph;\r\n\tfont-size:10.5pt;\r\n"
    '\tfont-family:"Calibri","sans-serif";}}\r\n'
    "a:link, span.MsoHyperlink\r\n\t{{mso-style-priority:99;\r\n\tcolor:blue;\r\n"
    "\ttext-decoration:underline;}}\r\n"
    "span.EmailStyle17\r\n\t{{mso-style-type:personal-compose;\r\n"
    '\tfont-family:"Calibri","sans-serif";\r\n\tcolor:windowtext;}}\r\n'
    ".MsoChpDefault\r\n\t{{mso-style-type:export-only;}}\r\n"
    "/* Page Definitions */\r\n"
    "@page WordSection1\r\n\t{{size:612.0pt 792.0pt;\r\n"
    "\tmargin:72.0pt 90.0pt 72.0pt 90.0pt;}}\r\n"
    "div.WordSection1\r\n\t{{page:WordSection1;}}\r\n"
    "--></style><!--[if gte mso 9]><xml>\r\n"
    '<o:shapedefaults v:ext="edit" spidmax="1026" />\r\n'
    "</xml><![endif]--><!--[if gte mso 9]><xml>\r\n"
    '<o:shapelayout v:ext="edit">\r\n<o:idmap v:ext="edit" data="1" />\r\n'
    "</o:shapelayout></xml><![endif]--></head>"
    "<body lang=ZH-CN link=blue vlink=purple style='text-justify-trim:punctuation'>"
    "<div class=WordSection1>"
)


def word_html(lines, ver="14", extra=""):
    ps = []
    for ln in lines:
        if ln:
            ps.append(
                "<p class=MsoNormal><span style='font-family:宋体'>%s</span>"
                "<span lang=EN-US><o:p></o:p></span></p>" % ln
            )
        else:
            ps.append("<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>")
    return WORD_HTML_HEAD.format(ver=ver) + "\r\n".join(ps) + extra + "</div></body></html>"


def crlf_text(lines):
    return CRLF.join(lines) + CRLF


HUBEI_NEWS = [
    "湖北省质监局多措并举开展2018年世界认可日系列活动",
    "",
    "    本报讯（通讯员 李文华）6月8日，湖北省质量技术监督局在武汉市江汉路步行街举行"
    "2018年世界认可日主题宣传活动启动仪式，围绕“认证认可——传递市场信任，服务市场监管”"
    "主题，集中宣贯《国务院关于加强质量认证体系建设 促进全面质量管理的意见》。活动现场，"
    "省质监局联合省认证认可协会和20余家检验检测认证机构设立咨询台，摆放展板30块，"
    "发放宣传资料5000余份，现场解答群众咨询300余人次。",
    "    6月9日当天，武汉、襄阳、宜昌等地同步开展检验检测机构开放日活动，组织市民、"
    "学生近200人走进实验室，参观食品、建材、电器等检测项目，现场体验检测过程。"
    "省局还在官方微信公众号开设“世界认可日”专栏，推送认证认可知识有奖问答，"
    "累计参与答题1.2万人次。湖北日报、湖北电视台等媒体对活动进行了报道。",
    "    下一步，省质监局将以世界认可日活动为契机，持续推进质量认证体系建设，"
    "充分发挥认证认可在服务市场监管、促进质量提升中的积极作用。",
    "",
    "（湖北省质量技术监督局认证监管处 供稿）",
    "",
]

SICHUAN_HTML_PARAS = [
    "今年6月9日是第11个“世界认可日”。按照《国家认监委关于组织开展2018年世界认可日活动的通知》"
    "（国认办函〔2018〕26号）要求，四川省质量技术监督局精心组织，在全省范围内开展了形式多样的"
    "主题活动。现将有关情况总结如下：",
    "<b>一、加强组织领导，精心部署安排。</b>省局成立活动领导小组，印发活动方案，"
    "明确各市（州）质监局和有关机构的任务分工。",
    "<b>二、集中开展主题宣传。</b>6月8日，省局在成都市天府广场举办世界认可日主题宣传活动，"
    "省内30余家检验检测认证机构参加，设置展板40余块，发放宣传册3千余份，"
    "接受群众咨询500余人次。",
    "<b>三、深入宣贯国务院3号文件。</b>6月6日至8日，省局组织开展专题宣贯培训，"
    "全省各市（州）质监局及认证机构代表200余人参加培训。",
    "<b>四、扩大社会影响。</b>四川日报、四川电视台、四川新闻网等媒体共刊发报道15篇，省局微信公众号推送专题信息8条。",
    "下一步，我局将认真总结经验，建立长效机制，推动质量认证体系建设落地见效。",
]


# --------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------


def write(name, items, allow_8bit=False):
    chunks = []
    for it in items:
        if isinstance(it, bytes):
            if not allow_8bit:
                it.decode("ascii")
            chunks.append(it)
        else:
            b = it.encode("utf-8")
            if not allow_8bit:
                b.decode("ascii")
            chunks.append(b)
    data = b"\r\n".join(chunks)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    assert b"\n" not in data.replace(b"\r\n", b""), name + ": bare LF"
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    return name


DOCX_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# 01 ----------------------------------------------------------------- Outlook 2010
def m01():
    b0 = "----=_NextPart_000_0009_01D3FC25.1E5A2C60"
    b1 = "----=_NextPart_001_000A_01D3FC25.1E5A2C60"
    fname = "江苏省2018年世界认可日活动方案.docx"
    plain = [
        "武宏伟同志：",
        "",
        "您好！现将《江苏省2018年世界认可日活动方案》报上，请审阅。",
        "",
        "江苏省质量技术监督局认证处",
        "张明",
        "电话：025-83275612",
        "",
    ]
    h = received("mail.jsqts.example.gov.cn", "58.213.152.37", 2018, 6, 4, 16, 23, 9, "4A1B2C3D4E") + [
        'From: "%s" <rzc@jsqts.example.gov.cn>' % ew("江苏省质量技术监督局认证处", "gb2312", "gb2312"),
        "To: <%s>" % OFFICE,
        "Subject: %s" % ew("报送2018年世界认可日活动方案", "gb2312", "gb2312"),
        "Date: %s" % rfc_date(2018, 6, 4, 16, 23, 5),
        "Message-ID: <000901d3fbe2$8a3c1e40$9eb45ac0$@jsqts.example.gov.cn>",
        "MIME-Version: 1.0",
        "Content-Type: multipart/mixed;",
        '\tboundary="%s"' % b0,
        "X-Mailer: Microsoft Outlook 14.0",
        "Thread-Index: %s" % thread_index(101),
        "Content-Language: zh-cn",
        "",
        "This is a multipart message in MIME format.",
        "",
        "--" + b0,
        "Content-Type: multipart/alternative;",
        '\tboundary="%s"' % b1,
        "",
        "",
        "--" + b1,
        "Content-Type: text/plain;",
        '\tcharset="gb2312"',
        "Content-Transfer-Encoding: base64",
        "",
        b64lines(gb(crlf_text(plain))),
        "",
        "--" + b1,
        "Content-Type: text/html;",
        '\tcharset="gb2312"',
        "Content-Transfer-Encoding: quoted-printable",
        "",
        qp(gb(word_html(plain[:-1], "14"))),
        "",
        "--" + b1 + "--",
        "",
        "--" + b0,
        # quirk: the name only in Content-Type, bare Content-Disposition
        "Content-Type: %s;" % DOCX_CT,
        '\tname="%s"' % ew(fname, "gb2312", "gb2312"),
        "Content-Transfer-Encoding: base64",
        "Content-Disposition: attachment",
        "",
        b64lines(fake_docx(1)),
        "",
        "--" + b0 + "--",
        "",
    ]
    return write("01-outlook2010.eml", h)


# 02 ----------------------------------------------------------------- Outlook 2016
def m02():
    b0 = "----=_NextPart_000_0027_01D41866.7C9B3A10"
    b1 = "----=_NextPart_001_0028_01D41866.7C9B3A10"
    f1 = "湖南省质量技术监督局关于报送2018年世界认可日活动总结暨长沙分场活动情况的报告.docx"
    f2 = "附件2：分场活动照片及说明（王堃摄）.docx"
    subj = "报送2018年世界认可日活动总结（联系人：刘喆）"
    plain = [
        "国家认监委办公室：",
        "",
        "现将我局2018年世界认可日活动总结（含长沙分场活动情况）及照片说明报送你室，请查收。",
        "",
        "湖南省质量技术监督局认证监督管理处",
        "刘喆  0731-89967235",
        "",
    ]
    w1 = ew_split(f1, "gb2312", "gb2312", 36)
    w2 = ew_split(f2, "gb2312", "gb2312", 36, allow_gbk=True)
    sw = ew_split(subj, "gb2312", "gb2312", 30, allow_gbk=True)

    def folded_param(key, words):
        lines = ['\t%s="%s' % (key, words[0])]
        lines += ["\t" + w for w in words[1:]]
        lines[-1] += '"'
        return lines

    h = (
        received("mail.hnqts.example.gov.cn", "175.6.28.112", 2018, 7, 10, 17, 42, 24, "41F3C2A9B0")
        + [
            'From: "%s" <rzc@hnqts.example.gov.cn>' % ew("湖南省质监局认证处 刘喆", "gb2312", "gb2312", allow_gbk=True),
            "To: <%s>" % OFFICE,
            "Subject: %s" % sw[0],
        ]
        + ["\t" + w for w in sw[1:]]
        + [
            "Date: %s" % rfc_date(2018, 7, 10, 17, 42, 19),
            "Message-ID: <002701d41823$a1f07c30$e5d17490$@hnqts.example.gov.cn>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed;",
            '\tboundary="%s"' % b0,
            "X-Mailer: Microsoft Outlook 16.0",
            "Thread-Index: %s" % thread_index(102),
            "Content-Language: zh-cn",
            "",
            "This is a multipart message in MIME format.",
            "",
            "--" + b0,
            "Content-Type: multipart/alternative;",
            '\tboundary="%s"' % b1,
            "",
            "",
            "--" + b1,
            "Content-Type: text/plain;",
            '\tcharset="gb2312"',
            "Content-Transfer-Encoding: base64",
            "",
            b64lines(gb(crlf_text(plain), allow_gbk=True)),
            "",
            "--" + b1,
            "Content-Type: text/html;",
            '\tcharset="gb2312"',
            "Content-Transfer-Encoding: quoted-printable",
            "",
            qp(gb(word_html(plain[:-1], "15"), allow_gbk=True)),
            "",
            "--" + b1 + "--",
            "",
            "--" + b0,
            "Content-Type: %s;" % DOCX_CT,
        ]
        + folded_param("name", w1)
        + [
            "Content-Transfer-Encoding: base64",
            "Content-Disposition: attachment;",
        ]
        + folded_param("filename", w1)
        + [
            "",
            b64lines(fake_docx(2, 14000)),
            "",
            "--" + b0,
            "Content-Type: %s;" % DOCX_CT,
        ]
        + folded_param("name", w2)
        + [
            "Content-Transfer-Encoding: base64",
            "Content-Disposition: attachment;",
        ]
        + folded_param("filename", w2)
        + [
            "",
            b64lines(fake_docx(3, 22000)),
            "",
            "--" + b0 + "--",
            "",
        ]
    )
    return write("02-outlook2016.eml", h)


# 03 ----------------------------------------------------------------- Foxmail 7.2
def m03():
    b0 = "----=_001_NextPart318243625716_=----"
    b1 = "----=_002_NextPart525401263807_=----"
    f1 = "山东省质量技术监督局2018年世界认可日活动方案.docx"
    f2 = "世界认可日宣传资料（海报、展板）.zip"
    plain = [
        "国家认监委办公室：",
        "",
        "    现将山东省2018年世界认可日活动方案及宣传资料报送，请审阅。",
        "",
        "",
        "",
        "sdrzc@sdqts.example.gov.cn",
        "",
    ]
    html = (
        '<html><head><meta http-equiv="content-type" content="text/html; charset=GB2312">'
        "<style>body { line-height: 1.5; }body { font-size: 10.5pt; font-family: 微软雅黑; "
        "color: rgb(0, 0, 0); line-height: 1.5; }</style></head><body> \r\n"
        "<div><span></span>国家认监委办公室：</div><div>&nbsp; &nbsp; 现将山东省2018年世界认可日活动方案"
        "及宣传资料报送，请审阅。</div>\r\n<div><br></div>"
        '<hr style="width: 210px; height: 1px;" color="#b5c4df" size="1" align="left">\r\n'
        '<div><span><div style="MARGIN: 10px; FONT-FAMILY: verdana; FONT-SIZE: 10pt">'
        "<div>sdrzc@sdqts.example.gov.cn</div></div></span></div>\r\n</body></html>"
    )
    h = received("mail.sdqts.example.gov.cn", "124.128.40.19", 2018, 6, 5, 9, 12, 50, "40Z9K3D2Q1") + [
        "Date: %s" % rfc_date(2018, 6, 5, 9, 12, 44),
        'From: "%s" <sdrzc@sdqts.example.gov.cn>' % ew("山东省质监局认证监管处", "GBK", "gbk"),
        'To: "%s" <%s>' % (ew("国家认监委办公室", "GBK", "gbk"), OFFICE),
        "Subject: %s" % ew("山东省2018年世界认可日活动方案（报送）", "GBK", "gbk"),
        "X-Priority: 3",
        "X-GUID: 8C4B2E17-3A9D-4F60-B1C2-7D5E9A0F3B48",
        "X-Has-Attach: yes",
        "X-Mailer: Foxmail 7.2.9.156[cn]",
        "Mime-Version: 1.0",
        "Message-ID: <2018060509124437872813@sdqts.example.gov.cn>",
        "Content-Type: multipart/mixed;",
        '\tboundary="%s"' % b0,
        "",
        "This is a multi-part message in MIME format.",
        "",
        "--" + b0,
        "Content-Type: multipart/alternative;",
        '\tboundary="%s"' % b1,
        "",
        "",
        "--" + b1,
        "Content-Type: text/plain;",
        '\tcharset="GB2312"',
        "Content-Transfer-Encoding: base64",
        "",
        b64lines(gb(crlf_text(plain))),
        "",
        "--" + b1,
        "Content-Type: text/html;",
        '\tcharset="GB2312"',
        "Content-Transfer-Encoding: quoted-printable",
        "",
        qp(gb(html)),
        "",
        "--" + b1 + "--",
        "",
        # Foxmail: whole name in ONE GBK encoded word, even when it runs past 76
        "--" + b0,
        "Content-Type: application/octet-stream;",
        '\tname="%s"' % ew(f1, "GBK", "gbk"),
        "Content-Transfer-Encoding: base64",
        "Content-Disposition: attachment;",
        '\tfilename="%s"' % ew(f1, "GBK", "gbk"),
        "",
        b64lines(fake_docx(4, 10000)),
        "",
        "--" + b0,
        "Content-Type: application/octet-stream;",
        '\tname="%s"' % ew(f2, "GBK", "gbk"),
        "Content-Transfer-Encoding: base64",
        "Content-Disposition: attachment;",
        '\tfilename="%s"' % ew(f2, "GBK", "gbk"),
        "",
        b64lines(fake_zip(5, 30000)),
        "",
        "--" + b0 + "--",
        "",
        "",
    ]
    return write("03-foxmail7.eml", h)


# 04 ----------------------------------------------------------------- QQ Mail web
def m04():
    ts = int(datetime.datetime(2018, 6, 4, 15, 10, 23, tzinfo=TZ).timestamp())
    b0 = "----=_NextPart_%08X_0A6E3C40_7D2A4B19" % ts
    b1 = "----=_NextPart_%08X_0A6E3C40_1B5F2C70" % ts
    fname = "青岛市质量技术监督局关于报送2018年世界认可日活动方案的函.pdf"
    plain = "国家认监委办公室：\r\n您好！附件是青岛市2018年世界认可日活动方案，请查收。\r\n青岛市质监局认证处  王芳\r\n\r\n------------------\r\n王芳\r\n"
    html = (
        '<meta http-equiv="Content-Type" content="text/html; charset=GB18030">'
        "<div>国家认监委办公室：</div><div>您好！附件是青岛市2018年世界认可日活动方案，请查收。</div>"
        '<div>青岛市质监局认证处&nbsp; 王芳</div><div><br></div><div><div style="color:#909090;'
        'font-family:Arial Narrow;font-size:12px">------------------</div><div style="font-size:14px;'
        'font-family:Verdana;color:#000;">王芳</div><div>&nbsp;</div></div>'
    )
    h = [
        "X-QQ-FEAT: 0ZcRS0iv4PHsTD5KNJPWy4fD4D9gHpwKl9Vnk4wsNJM=",
        "X-QQ-SSF: 00000000000000F000000000000000Z",
        "X-HAS-ATTACH: yes",
        "X-QQ-BUSINESS-ORIGIN: 2",
        "X-Originating-IP: 221.0.91.203",
        "X-QQ-STYLE: ",
        "X-QQ-mid: webmail517t%dt4837211" % ts,
        'From: "%s" <2851706133@qq.com>' % ew("青岛质监局认证处", "gb18030", "gb18030"),
        'To: "%s" <%s>' % (ew("infocnca", "gb18030", "gb18030"), OFFICE),
        "Subject: %s" % ew("青岛市2018年世界认可日活动方案", "gb18030", "gb18030"),
        "Mime-Version: 1.0",
        "Content-Type: multipart/mixed;",
        '\tboundary="%s"' % b0,
        "Content-Transfer-Encoding: 8Bit",
        "Date: %s" % rfc_date(2018, 6, 4, 15, 10, 23),
        "X-Priority: 3",
        "Message-ID: <tencent_4E0F3C1B92A6D57E8B3C1F20@qq.com>",
        "X-QQ-MIME: TCMime 1.0 by Tencent",
        "X-Mailer: QQMail 2.x",
        "X-QQ-Mailer: QQMail 2.x",
        "X-QQ-SENDSIZE: 520",
        "Received: from qq.com (unknown [127.0.0.1])",
        "\tby smtp.qq.com (ESMTP) with SMTP",
        "\tid ; Mon, 04 Jun 2018 15:10:24 +0800 (CST)",
        "Feedback-ID: webmail:qq.com:bgweb:bgweb10",
        "",
        "This is a multi-part message in MIME format.",
        "",
        "--" + b0,
        "Content-Type: multipart/alternative;",
        '\tboundary="%s";' % b1,
        "",
        "--" + b1,
        "Content-Type: text/plain;",
        '\tcharset="gb18030"',
        "Content-Transfer-Encoding: base64",
        "",
        b64lines(plain.encode("gb18030")),
        "",
        "--" + b1,
        "Content-Type: text/html;",
        '\tcharset="gb18030"',
        "Content-Transfer-Encoding: base64",
        "",
        b64lines(html.encode("gb18030")),
        "",
        "--" + b1 + "--",
        "",
        # QQ quirk: a charset parameter on an octet-stream; long word on one line
        "--" + b0,
        "Content-Type: application/octet-stream;",
        '\tcharset="gb18030";',
        '\tname="%s"' % ew(fname, "gb18030", "gb18030"),
        'Content-Disposition: attachment; filename="%s"' % ew(fname, "gb18030", "gb18030"),
        "Content-Transfer-Encoding: base64",
        "",
        b64lines(fake_pdf(6, 16000)),
        "",
        "--" + b0 + "--",
        "",
        "",
    ]
    return write("04-qqmail.eml", h)


# 05 ----------------------------------------------------------------- 163 web mail
def coremail_mid(seed, user_host, y, mo, d, h, mi, s):
    ms = int(datetime.datetime(y, mo, d, h, mi, s, tzinfo=TZ).timestamp() * 1000) + 123
    r = random.Random(seed)
    return "<%x.%x.%x.Coremail.%s>" % (r.getrandbits(31), r.getrandbits(15), ms, user_host), ms


def m05():
    mid, ms = coremail_mid(5, "nbrzc2018@163.com", 2018, 7, 10, 10, 21, 33)
    b0 = "----=_Part_215384_1638276381.%d" % ms
    b1 = "----=_Part_215386_1200738410.%d" % ms
    fname = "宁波市2018年世界认可日活动总结.docx"
    plain = (
        "国家认监委办公室：\r\n    您好！宁波市2018年世界认可日活动总结已上传附件，"
        "第一个附件未加页码，以第二个为准。\r\n宁波市质监局认证处\r\n"
    )
    html = (
        '<div style="line-height:1.7;color:#000000;font-size:14px;font-family:Arial">'
        "<div>国家认监委办公室：</div><div>&nbsp; &nbsp; 您好！宁波市2018年世界认可日活动总结已上传附件，"
        "第一个附件未加页码，以第二个为准。</div><div>宁波市质监局认证处</div></div><br><br>"
        '<span title="neteasefooter"><p>&nbsp;</p></span>'
    )
    h = received("m13-77.163.com", "220.181.13.77", 2018, 7, 10, 10, 21, 36, "41HJ8K2L3M") + [
        "Date: %s" % rfc_date(2018, 7, 10, 10, 21, 33, cst=True),
        'From: "%s" <nbrzc2018@163.com>' % ew("宁波市质监局认证处", "GBK", "gbk"),
        "To: %s" % OFFICE,
        "Message-ID: %s" % mid,
        "Subject: %s" % ew("宁波市2018年世界认可日活动总结", "GBK", "gbk"),
        "MIME-Version: 1.0",
        "Content-Type: multipart/mixed; ",
        '\tboundary="%s"' % b0,
        "X-Originating-IP: [115.205.44.16]",
        "X-Priority: 3",
        "X-Mailer: Coremail Webmail Server Version SP_ntes V3.5 build",
        " 20180426(ba9e7d06) Copyright (c) 2002-2018 www.mailtech.cn 163com",
        "X-CM-CTRLDATA: 4Dw7D2Zvb3Rlcl9odG09MTA5NDo1Ng==",
        "X-Coremail-Locale: zh_CN",
        "X-CM-TRANSID: TcGowADnR4lNF0Rb7PpbAA--.2961W",
        "X-CM-SenderInfo: hqeu2xcsqsyqqrwthudrp/1tbiQB5pW1aD0qz1kwABs3",
        "X-Coremail-Antispam: 1U5529EdanIXcx71UUUUU7vcSsGvfC2KfnxnUU==",
        "",
        "--" + b0,
        "Content-Type: multipart/alternative; ",
        '\tboundary="%s"' % b1,
        "",
        "--" + b1,
        "Content-Type: text/plain; charset=GBK",
        "Content-Transfer-Encoding: base64",
        "",
        b64lines(plain.encode("gbk")),
        "--" + b1,
        "Content-Type: text/html; charset=GBK",
        "Content-Transfer-Encoding: base64",
        "",
        b64lines(html.encode("gbk")),
        "--" + b1 + "--",
        "",
        # two attachments with the same name, different bytes
        "--" + b0,
        'Content-Type: %s; name="%s"' % (DOCX_CT, ew(fname, "GBK", "gbk")),
        "Content-Transfer-Encoding: base64",
        'Content-Disposition: attachment; filename="%s"' % ew(fname, "GBK", "gbk"),
        "",
        b64lines(fake_docx(7, 12000)),
        "--" + b0,
        'Content-Type: %s; name="%s"' % (DOCX_CT, ew(fname, "GBK", "gbk")),
        "Content-Transfer-Encoding: base64",
        'Content-Disposition: attachment; filename="%s"' % ew(fname, "GBK", "gbk"),
        "",
        b64lines(fake_docx(8, 12100)),
        "--" + b0 + "--",
        "",
    ]
    return write("05-163mail.eml", h)


# 06 ----------------------------------------------------------------- Apple Mail (macOS)
def m06():
    b0 = "Apple-Mail=_3F2E1D0C-9B8A-4765-8F4E-2D1C0B9A8765"
    f1 = "活动方案.pdf"
    f2 = "深圳市市场和质量监督管理委员会关于报送2018年世界认可日活动方案的函.docx"
    p2 = pct_chunks_bytewise(pct(f2), 60, 66)
    n2 = ew_split(f2, "utf-8", "utf-8", 45)
    subj = ew_split("深圳市2018年世界认可日活动方案", "utf-8", "utf-8", 45)
    plain = "国家认监委办公室：\r\n\r\n现报送我委2018年世界认可日活动方案及报送函，请查收。\r\n\r\n深圳市市场和质量监督管理委员会认证处\r\n"
    disp2 = ["Content-Disposition: attachment;"]
    for i, c in enumerate(p2):
        pre = "utf-8''" if i == 0 else ""
        disp2.append("\tfilename*%d*=%s%s%s" % (i, pre, c, ";" if i < len(p2) - 1 else ""))
    h = (
        received("mail.szmqs.example.gov.cn", "119.145.8.66", 2018, 6, 4, 11, 2, 41, "40B7C6D5E4")
        + [
            "From: %s <rzc@szmqs.example.gov.cn>" % ew("深圳市场监管委认证处", "utf-8", "utf-8"),
            "Content-Type: multipart/mixed;",
            '\tboundary="%s"' % b0,
            "Mime-Version: 1.0 (Mac OS X Mail 11.3 \\(3445.6.18\\))",
            "Subject: %s" % subj[0],
        ]
        + [" " + w for w in subj[1:]]
        + [
            "Message-Id: <5E3A7C21-4B9D-4F2A-8E6B-1D0C9F8A7B6C@szmqs.example.gov.cn>",
            "Date: %s" % rfc_date(2018, 6, 4, 11, 2, 37),
            "To: %s" % OFFICE,
            "X-Mailer: Apple Mail (2.3445.6.18)",
            "",
            "",
            "--" + b0,
            "Content-Transfer-Encoding: base64",
            "Content-Type: text/plain;",
            "\tcharset=utf-8",
            "",
            b64lines(plain.encode("utf-8")),
            "",
            "--" + b0,
            "Content-Disposition: attachment;",
            "\tfilename*=utf-8''%s" % pct(f1),
            "Content-Type: application/pdf;",
            "\tx-unix-mode=0644;",
            '\tname="%s"' % ew(f1, "utf-8", "utf-8"),
            "Content-Transfer-Encoding: base64",
            "",
            b64lines(fake_pdf(9, 9000)),
            "",
            "--" + b0,
        ]
        + disp2
        + [
            "Content-Type: %s;" % DOCX_CT,
            "\tx-unix-mode=0644;",
            '\tname="%s' % n2[0],
        ]
        + ["\t" + w for w in n2[1:-1]]
        + ['\t%s"' % n2[-1]]
        + [
            "Content-Transfer-Encoding: base64",
            "",
            b64lines(fake_docx(10, 8000)),
            "",
            "--" + b0,
            "Content-Transfer-Encoding: 7bit",
            "Content-Type: text/plain;",
            "\tcharset=us-ascii",
            "",
            "",
            "",
            "--" + b0 + "--",
            "",
        ]
    )
    return write("06-applemail.eml", h)


# 07 ----------------------------------------------------------------- iPhone Mail (iOS 11)
def m07():
    b0 = "Apple-Mail-8D2C1B4A-5E6F-4A3B-9C8D-7E6F5A4B3C2D"
    cid = "8E2F1A3B-4C5D-4E6F-9A8B-7C6D5E4F3A2B"
    h = received("mail.cqqts.example.gov.cn", "222.178.9.40", 2018, 7, 12, 8, 45, 20, "41K2M3N4P5") + [
        "Content-Type: multipart/mixed; boundary=" + b0,
        "Content-Transfer-Encoding: 7bit",
        "From: %s <cqrzc@cqqts.example.gov.cn>" % ew("重庆市质监局 陈静", "utf-8", "utf-8"),
        "Mime-Version: 1.0 (1.0)",
        "Date: %s" % rfc_date(2018, 7, 12, 8, 45, 12),
        "Subject: %s" % ew("重庆市世界认可日活动总结盖章页", "utf-8", "utf-8"),
        "Message-Id: <1B2C3D4E-5F60-4A7B-8C9D-0E1F2A3B4C5D@cqqts.example.gov.cn>",
        "To: %s" % OFFICE,
        "X-Mailer: iPhone Mail (15F79)",
        "",
        "",
        "--" + b0,
        "Content-Type: text/plain;",
        "\tcharset=utf-8",
        "Content-Transfer-Encoding: base64",
        "",
        b64lines("活动总结盖章页，电子版昨天已发。\r\n\r\n".encode("utf-8")),
        "--" + b0,
        "Content-Type: image/jpeg;",
        "\tname=image1.jpeg;",
        "\tx-apple-part-url=" + cid,
        "Content-Disposition: inline;",
        "\tfilename=image1.jpeg",
        "Content-Transfer-Encoding: base64",
        "Content-Id: <%s>" % cid,
        "",
        b64lines(fake_jpeg(11, 310000)),
        "--" + b0,
        "Content-Type: text/plain;",
        "\tcharset=utf-8",
        "Content-Transfer-Encoding: base64",
        "",
        b64lines("\r\n\r\n发自我的 iPhone".encode("utf-8")),
        "--" + b0 + "--",
    ]
    return write("07-iphone.eml", h)


# 08 ----------------------------------------------------------------- Thunderbird 52
def m08():
    b0 = "------------6D3B1A5C8E2F4A7B9C0D1E2F"
    fname = "浙江省质量技术监督局关于2018年世界认可日活动开展情况的报告.docx"
    subj = ew_split("浙江省质量技术监督局报送2018年世界认可日活动总结", "UTF-8", "utf-8", 42)
    nm = ew_split(fname, "UTF-8", "utf-8", 42)
    fc = pct_chunks_charwise(fname, 62, 66)
    body = (
        "国家认监委办公室：\r\n\r\n现将《浙江省质量技术监督局关于2018年世界认可日活动开展情况的报告》"
        "报上，\r\n请审阅。\r\n\r\n-- \r\n浙江省质量技术监督局认证监督管理处\r\n"
        "电话：0571-85153728\r\n\r\n"
    )
    disp = ["Content-Disposition: attachment;"]
    for i, c in enumerate(fc):
        pre = "UTF-8''" if i == 0 else ""
        disp.append(" filename*%d*=%s%s%s" % (i, pre, c, ";" if i < len(fc) - 1 else ""))
    h = (
        received("mail.zjqts.example.gov.cn", "60.191.72.18", 2018, 7, 11, 14, 20, 9, "41G5H6J7K8")
        + [
            "To: %s" % OFFICE,
            "From: %s <rzc@zjqts.example.gov.cn>" % ew("浙江省质量技术监督局", "UTF-8", "utf-8"),
            "Subject: %s" % subj[0],
        ]
        + [" " + w for w in subj[1:]]
        + [
            "Message-ID: <a3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d@zjqts.example.gov.cn>",
            "Date: %s" % rfc_date(2018, 7, 11, 14, 20, 5),
            "User-Agent: Mozilla/5.0 (Windows NT 6.1; WOW64; rv:52.0) Gecko/20100101",
            " Thunderbird/52.9.1",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed;",
            ' boundary="%s"' % b0,
            "Content-Language: zh-CN",
            "",
            "This is a multi-part message in MIME format.",
            "--" + b0,
            "Content-Type: text/plain; charset=utf-8; format=flowed",
            "Content-Transfer-Encoding: 8bit",
            "",
            body,
            "--" + b0,
            "Content-Type: %s;" % DOCX_CT,
            ' name="%s' % nm[0],
        ]
        + [" " + w for w in nm[1:-1]]
        + [' %s"' % nm[-1]]
        + [
            "Content-Transfer-Encoding: base64",
        ]
        + disp
        + [
            "",
            b64lines(fake_docx(12, 13000), 72),
            "--" + b0 + "--",
        ]
    )
    return write("08-thunderbird.eml", h, allow_8bit=True)


# 09 ----------------------------------------------------------------- raw GBK in headers
def m09():
    b0 = "=_NextPart_2018060517580309_4C1A"
    subj = "宁夏回族自治区2018年世界认可日活动方案".encode("gbk")
    fname = "C:\\Users\\admin\\Desktop\\宁夏回族自治区2018年世界认可日活动方案.doc".encode("gbk")
    body = (
        "国家认监委办公室：\r\n    我局2018年世界认可日活动方案见附件。\r\n"
        "宁夏回族自治区质量技术监督局认证监督管理处\r\n"
    ).encode("gbk")
    items = received("webmail.nxqts.example.gov.cn", "124.224.18.5", 2018, 6, 5, 17, 58, 9, "40N1P2Q3R4") + [
        "Date: %s" % rfc_date(2018, 6, 5, 17, 58, 3),
        b'From: "' + "宁夏质监局认证处".encode("gbk") + b'" <rzc@nxqts.example.gov.cn>',
        "To: %s" % OFFICE,
        b"Subject: " + subj,
        "Message-ID: <20180605175803.5B165F3B.0042@webmail.nxqts.example.gov.cn>",
        "X-Mailer: TurboMail Webmail 5.0",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="%s"' % b0,
        "",
        "--" + b0,
        "Content-Type: text/plain; charset=gbk",
        "Content-Transfer-Encoding: 8bit",
        "",
        body,
        "--" + b0,
        # raw GBK bytes, full Windows path from IE's file upload, unescaped backslashes
        b'Content-Type: application/msword; name="' + fname + b'"',
        "Content-Transfer-Encoding: base64",
        b'Content-Disposition: attachment; filename="' + fname + b'"',
        "",
        b64lines(fake_doc(13, 20000)),
        "",
        "--" + b0 + "--",
        "",
    ]
    return write("09-rawgbk-webmail.eml", items, allow_8bit=True)


# 10 ----------------------------------------------------------------- forwarded (126, message/rfc822)
def inner_outlook2007():
    b0 = "----=_NextPart_000_0012_01D419F1.6B2E4A80"
    b1 = "----=_NextPart_001_0013_01D419F1.6B2E4A80"
    fname = "广州市2018年世界认可日活动总结.docx"
    plain = [
        "小陈：",
        "",
        "    我局世界认可日活动总结见附件，请转报国家认监委办公室。",
        "",
        "广州市质量技术监督局认证处",
        "",
    ]
    return [
        'From: "%s" <rzc@gzqts.example.gov.cn>' % ew("广州市质量技术监督局认证处", "gb2312", "gb2312"),
        "To: <gzzjrzc@126.com>",
        "Subject: %s" % ew("广州市质量技术监督局关于报送2018年世界认可日活动总结的函", "gb2312", "gb2312"),
        "Date: %s" % rfc_date(2018, 7, 12, 17, 48, 30),
        "Message-ID: <001201d419c3$4f8b2e10$eea18a30$@gzqts.example.gov.cn>",
        "MIME-Version: 1.0",
        "Content-Type: multipart/mixed;",
        '\tboundary="%s"' % b0,
        "X-Mailer: Microsoft Office Outlook 12.0",
        "Thread-Index: %s" % thread_index(110),
        "Content-Language: zh-cn",
        "",
        "This is a multi-part message in MIME format.",
        "",
        "--" + b0,
        "Content-Type: multipart/alternative;",
        '\tboundary="%s"' % b1,
        "",
        "",
        "--" + b1,
        "Content-Type: text/plain;",
        '\tcharset="gb2312"',
        "Content-Transfer-Encoding: base64",
        "",
        b64lines(gb(crlf_text(plain))),
        "",
        "--" + b1,
        "Content-Type: text/html;",
        '\tcharset="gb2312"',
        "Content-Transfer-Encoding: quoted-printable",
        "",
        qp(gb(word_html(plain[:-1], "12"))),
        "",
        "--" + b1 + "--",
        "",
        "--" + b0,
        "Content-Type: %s;" % DOCX_CT,
        '\tname="%s"' % ew(fname, "gb2312", "gb2312"),
        "Content-Transfer-Encoding: base64",
        "Content-Disposition: attachment;",
        '\tfilename="%s"' % ew(fname, "gb2312", "gb2312"),
        "",
        b64lines(fake_docx(14, 11000)),
        "",
        "--" + b0 + "--",
        "",
    ]


def m10():
    mid, ms = coremail_mid(10, "gzzjrzc@126.com", 2018, 7, 13, 9, 5, 41)
    b0 = "----=_Part_88123_1577343212.%d" % ms
    b1 = "----=_Part_88125_706431873.%d" % ms
    inner_subj = "广州市质量技术监督局关于报送2018年世界认可日活动总结的函"
    plain = "武老师：\r\n    转发广州市质监局的世界认可日活动总结，原邮件见附件。\r\n陈晓明\r\n"
    html = (
        '<div style="line-height:1.7;color:#000000;font-size:14px;font-family:Arial">'
        "<div>武老师：</div><div>&nbsp; &nbsp; 转发广州市质监局的世界认可日活动总结，原邮件见附件。</div>"
        '<div>陈晓明</div></div><br><br><span title="neteasefooter"><p>&nbsp;</p></span>'
    )
    h = (
        received("m15-112.126.com", "220.181.15.112", 2018, 7, 13, 9, 5, 44, "41Q9R8S7T6")
        + [
            "Date: %s" % rfc_date(2018, 7, 13, 9, 5, 41, cst=True),
            'From: "%s" <gzzjrzc@126.com>' % ew("陈晓明", "UTF-8", "utf-8"),
            "To: %s" % OFFICE,
            "Message-ID: %s" % mid,
            "Subject: %s" % " ".join(ew_split("转发：" + inner_subj, "UTF-8", "utf-8", 45)),
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; ",
            '\tboundary="%s"' % b0,
            "X-Originating-IP: [113.108.77.21]",
            "X-Priority: 3",
            "X-Mailer: Coremail Webmail Server Version SP_ntes V3.5 build",
            " 20180426(ba9e7d06) Copyright (c) 2002-2018 www.mailtech.cn 126com",
            "X-CM-CTRLDATA: 9JqTQ2Zvb3Rlcl9odG09NjEyOjU2",
            "X-Coremail-Locale: zh_CN",
            "X-CM-TRANSID: LsqowAC3fH7N+0dbqM4HAA--.6120W",
            "X-Coremail-Antispam: 1U5529EdanIXcx71UUUUU7vcSsGvfC2KfnxnUU==",
            "",
            "--" + b0,
            "Content-Type: multipart/alternative; ",
            '\tboundary="%s"' % b1,
            "",
            "--" + b1,
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "",
            b64lines(plain.encode("utf-8")),
            "--" + b1,
            "Content-Type: text/html; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "",
            b64lines(html.encode("utf-8")),
            "--" + b1 + "--",
            "",
            "--" + b0,
            'Content-Type: message/rfc822; name="%s"' % ew(inner_subj + ".eml", "UTF-8", "utf-8"),
            "Content-Transfer-Encoding: 7bit",
            'Content-Disposition: attachment; filename="%s"' % ew(inner_subj + ".eml", "UTF-8", "utf-8"),
            "",
        ]
        + inner_outlook2007()
        + [
            "--" + b0 + "--",
            "",
        ]
    )
    return write("10-forward-126.eml", h)


# 11 ----------------------------------------------------------------- Outlook Express 6, body only
def m11():
    h = received("mail.hbqts.example.gov.cn", "59.172.36.90", 2018, 6, 11, 10, 15, 31, "40S5T6U7V8") + [
        "Message-ID: <001a01d40133$5e3c4a20$0a01a8c0@PC201805>",
        'From: "%s" <rzjgc@hbqts.example.gov.cn>' % ew("湖北省质监局认证监管处", "gb2312", "gb2312"),
        "To: <%s>" % OFFICE,
        "Subject: %s" % ew("信息：湖北省质监局多措并举开展世界认可日系列活动", "gb2312", "gb2312"),
        "Date: %s" % rfc_date(2018, 6, 11, 10, 15, 27),
        "MIME-Version: 1.0",
        "Content-Type: text/plain;",
        '\tcharset="gb2312"',
        "Content-Transfer-Encoding: quoted-printable",
        "X-Priority: 3",
        "X-MSMail-Priority: Normal",
        "X-Mailer: Microsoft Outlook Express 6.00.2900.5931",
        "X-MimeOLE: Produced By Microsoft MimeOLE V6.00.2900.6157",
        "",
        qp(gb(crlf_text(HUBEI_NEWS))),
        "",
    ]
    return write("11-oe6-bodyonly.eml", h)


# 12 ----------------------------------------------------------------- HTML-only (PHPMailer in an OA system)
def m12():
    paras = "\r\n".join('<p style="text-indent:2em;line-height:28px;">%s</p>' % p for p in SICHUAN_HTML_PARAS)
    html = (
        '<html><head><meta charset="utf-8"></head><body style="font-family:仿宋,FangSong;font-size:16px;">\r\n'
        '<h3 style="text-align:center;">四川省2018年世界认可日活动总结</h3>\r\n'
        + paras
        + '\r\n<p style="text-align:right;">四川省质量技术监督局<br>2018年7月12日</p>\r\n'
        '<hr><p style="color:#999;font-size:12px;">本邮件由四川省质量技术监督局协同办公系统发送</p>\r\n'
        "</body></html>\r\n"
    )
    h = received("oa.scqts.example.gov.cn", "171.221.130.14", 2018, 7, 13, 17, 30, 5, "41V1W2X3Y4") + [
        "Date: %s" % rfc_date(2018, 7, 13, 17, 30, 2),
        "To: %s" % OFFICE,
        "From: %s <oa@scqts.example.gov.cn>" % ew("四川省质量技术监督局办公系统", "UTF-8", "utf-8"),
        "Subject: %s" % ew("四川省2018年世界认可日活动总结", "UTF-8", "utf-8"),
        "Message-ID: <3f9c1e2a7b4d5c6e8f0a1b2c3d4e5f60@oa.scqts.example.gov.cn>",
        "X-Mailer: PHPMailer 5.2.22 (https://github.com/PHPMailer/PHPMailer)",
        "MIME-Version: 1.0",
        "Content-Type: text/html; charset=UTF-8",
        "Content-Transfer-Encoding: base64",
        "",
        b64lines(html.encode("utf-8")),
        "",
    ]
    return write("12-html-only.eml", h)


# 13 ----------------------------------------------------------------- Exchange 2013 out-of-office
def m13():
    bnd = "_000_5c7f1a2b3d4e4f5a8b9c0d1e2f3a4b5cEXCH01hljqtsexampleg_"
    orig = "关于报送2018年世界认可日活动总结的提醒"
    subj = "自动回复: " + orig
    plain = (
        "您好！\r\n我于7月9日至7月13日外出参加培训，期间不能及时查收邮件，"
        "急事请致电0451-82627316。谢谢！\r\n黑龙江省质监局认证处 张堃\r\n"
    )
    html = (
        '<html dir="ltr">\r\n<head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=gb2312">\r\n'
        '<style id="owaParaStyle">P {margin-top:0;margin-bottom:0;}</style>\r\n</head>\r\n'
        '<body ocsi="0" fpstyle="1">\r\n<div style="direction: ltr;font-family: 宋体;color: #000000;font-size: 10pt;">'
        "<p>您好！</p><p>我于7月9日至7月13日外出参加培训，期间不能及时查收邮件，急事请致电0451-82627316。谢谢！</p>"
        "<p>黑龙江省质监局认证处 张堃</p></div>\r\n</body>\r\n</html>\r\n"
    )
    sw = ew_split(subj, "gb2312", "gb2312", 36)
    h = (
        received("mail.hljqts.example.gov.cn", "221.207.6.31", 2018, 7, 9, 8, 0, 15, "41Z9Y8X7W6")
        + [
            'From: "%s" <rzc@hljqts.example.gov.cn>'
            % ew("黑龙江省质监局认证处 张堃", "gb2312", "gb2312", allow_gbk=True),
            'To: "%s" <%s>' % (ew("国家认监委办公室", "gb2312", "gb2312"), OFFICE),
            "Subject: %s" % sw[0],
        ]
        + [" " + w for w in sw[1:]]
        + [
            "Thread-Topic: %s" % " ".join(ew_split(orig, "gb2312", "gb2312", 36)),
            "Thread-Index: %s" % thread_index(113),
            "Date: %s" % rfc_date(2018, 7, 9, 8, 0, 12),
            "Message-ID: <5c7f1a2b3d4e4f5a8b9c0d1e2f3a4b5c@EXCH01.hljqts.example.gov.cn>",
            "References: <20180709075812.7A3C2B1F@cnca.gov.cn>",
            "In-Reply-To: <20180709075812.7A3C2B1F@cnca.gov.cn>",
            "Accept-Language: zh-CN, en-US",
            "Content-Language: zh-CN",
            "X-MS-Has-Attach: ",
            "X-MS-Exchange-Organization-SCL: -1",
            "X-MS-TNEF-Correlator: ",
            "x-auto-response-suppress: All",
            "X-MS-Exchange-Inbox-Rules-Loop: rzc@hljqts.example.gov.cn",
            "x-originating-ip: [10.21.1.20]",
            "Auto-Submitted: auto-replied",
            "Content-Type: multipart/alternative;",
            '\tboundary="%s"' % bnd,
            "MIME-Version: 1.0",
            "",
            "--" + bnd,
            'Content-Type: text/plain; charset="gb2312"',
            "Content-Transfer-Encoding: base64",
            "",
            b64lines(gb(plain, allow_gbk=True)),
            "",
            "--" + bnd,
            'Content-Type: text/html; charset="gb2312"',
            "Content-Transfer-Encoding: base64",
            "",
            b64lines(gb(html, allow_gbk=True)),
            "",
            "--" + bnd + "--",
            "",
        ]
    )
    return write("13-exchange-autoreply.eml", h)


# 14 ----------------------------------------------------------------- Outlook 2013, signature logo + attachment
def m14():
    tag = "01D4175B.3C4D5E60"
    b0 = "----=_NextPart_000_0015_" + tag
    b1 = "----=_NextPart_001_0016_" + tag
    b2 = "----=_NextPart_002_0017_" + tag
    cid = "image001.png@" + tag
    fname = "大连市质量技术监督局2018年世界认可日活动总结（定稿）.pdf"
    plain = [
        "国家认监委办公室：",
        "",
        "    现将我局2018年世界认可日活动总结（定稿）报送，请审阅。",
        "",
        "大连市质量技术监督局认证处",
        "赵磊  0411-82763015",
        "",
    ]
    sig = (
        "<p class=MsoNormal><span lang=EN-US><img width=120 height=40 "
        'id="图片_x0020_1" src="cid:%s" alt="大连市质量技术监督局"></span>'
        "<span lang=EN-US><o:p></o:p></span></p>" % cid
    )
    words = ew_split(fname, "gb2312", "gb2312", 36)
    fold = ['\t%s="%s' % ("name", words[0])] + [" " + w for w in words[1:]]
    fold[-1] += '"'
    fold2 = ['\t%s="%s' % ("filename", words[0])] + [" " + w for w in words[1:]]
    fold2[-1] += '"'
    plain_txt = plain[:-1] + ["[大连市质量技术监督局]", ""]
    h = (
        received("mail.dlqts.example.gov.cn", "218.25.40.77", 2018, 7, 9, 15, 36, 55, "41A2B3C4D5")
        + [
            'From: "%s" <rzc@dlqts.example.gov.cn>' % ew("大连市质量技术监督局认证处", "gb2312", "gb2312"),
            "To: <%s>" % OFFICE,
            "Subject: %s" % ew("大连市报送2018年世界认可日活动总结", "gb2312", "gb2312"),
            "Date: %s" % rfc_date(2018, 7, 9, 15, 36, 50),
            "Message-ID: <001501d41735$b8d1c6e0$2a7554a0$@dlqts.example.gov.cn>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed;",
            '\tboundary="%s"' % b0,
            "X-Mailer: Microsoft Outlook 15.0",
            "Thread-Index: %s" % thread_index(114),
            "Content-Language: zh-cn",
            "",
            "This is a multipart message in MIME format.",
            "",
            "--" + b0,
            "Content-Type: multipart/related;",
            '\ttype="multipart/alternative";',
            '\tboundary="%s"' % b1,
            "",
            "",
            "--" + b1,
            "Content-Type: multipart/alternative;",
            '\tboundary="%s"' % b2,
            "",
            "",
            "--" + b2,
            "Content-Type: text/plain;",
            '\tcharset="gb2312"',
            "Content-Transfer-Encoding: base64",
            "",
            b64lines(gb(crlf_text(plain_txt))),
            "",
            "--" + b2,
            "Content-Type: text/html;",
            '\tcharset="gb2312"',
            "Content-Transfer-Encoding: quoted-printable",
            "",
            qp(gb(word_html(plain[:-1], "15", extra=sig))),
            "",
            "--" + b2 + "--",
            "",
            "--" + b1,
            "Content-Type: image/png;",
            '\tname="image001.png"',
            "Content-Transfer-Encoding: base64",
            "Content-ID: <%s>" % cid,
            "",
            b64lines(real_png()),
            "",
            "--" + b1 + "--",
            "",
            "--" + b0,
            "Content-Type: application/pdf;",
        ]
        + fold
        + [
            "Content-Transfer-Encoding: base64",
            "Content-Disposition: attachment;",
        ]
        + fold2
        + [
            "",
            b64lines(fake_pdf(15, 18000)),
            "",
            "--" + b0 + "--",
            "",
        ]
    )
    return write("14-outlook2013-logo.eml", h)


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in (m01, m02, m03, m04, m05, m06, m07, m08, m09, m10, m11, m12, m13, m14):
        name = f()
        print(name, os.path.getsize(os.path.join(OUT, name)))


if __name__ == "__main__":
    main()
