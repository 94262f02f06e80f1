"""make_ofd.py -- write OFD files (GB/T 33190-2016) the way two kinds of real
producers write them.  Standard library only.

    write_ofd(path, *, title, author, creation_date, pages, producer="A",
              seal_png=None, image_pages=None, tables=None)

Units are millimetres throughout (OFD's default unit).  A page is a list of
lines; a line is {"text", "x", "y" (baseline, from the top), "size" (mm),
"font"}.  See README-style notes at the bottom of this docstring.

Producer "A" (Suwell-like)
  * every element prefixed ``ofd:`` (xmlns:ofd="http://www.ofdspec.org/2016")
  * one TextObject per line, one TextCode per line, DeltaX lists every
    advance explicitly (n-1 values for n characters)
  * IDs allocated sequentially 1, 2, 3 ...; Boundary values with 3 decimals
  * seal: Signatures.xml -> Signature BaseLoc (absolute "/Doc_0/...") plus a
    Stamp annotation (Annots/) whose Appearance holds the seal ImageObject
  * zip: OFD.xml first, everything deflated, no directory entries

Producer "B" (Foxit/converter-like)
  * default namespace (xmlns="...") on some parts, ``ofd:`` prefix on others
    (page parts alternate by folder number), single-quoted XML declaration
    with standalone='no', CRLF line ends and irregular indentation
  * each line is written as several TextObjects of 2-6 characters, each
    with its own integer Boundary and its own TextCode X/Y (relative to the
    Boundary), DeltaX compressed with the ``g`` repeat syntax ("g 5 5.64")
  * numbers in "other but allowed" styles: integer Boundary, doubled
    spaces / a trailing space inside ST_Box / ST_Array values
  * IDs unique but with gaps; MaxUnitID = the largest used
  * a TemplatePage (CommonData/TemplatePage, Page/Template) on every page
  * CustomTags (Tags/CustomTags.xml -> CustomTag_0.xml with ObjectRefs) and
    an Annotations entry (possibly without any Page child)
  * Page folders numbered in a different order than Document.xml lists them
    (Page_0 may be the second page) -- a reader must follow BaseLoc
  * fonts: FontName is the PostScript name, FamilyName the Chinese name
  * PathObjects (tables) use the whole page as Boundary and absolute
    coordinates in AbbreviatedData, one PathObject per rule
  * seal: Signature BaseLoc relative ("Sign_0/Signature.xml"); the seal
    picture is drawn as an ImageObject in a Foreground Layer of the page
  * zip: explicit directory entries, pictures STORED, OFD.xml written last
"""

import base64
import hashlib
import math
import random
import struct
import zipfile
import zlib
from xml.sax.saxutils import escape as _esc

NS = "http://www.ofdspec.org/2016"
PAGE_W, PAGE_H = 210.0, 297.0

FONT_PS_NAMES = {  # producer B writes FontName = PostScript name
    "仿宋": "FangSong",
    "仿宋_GB2312": "FangSong_GB2312",
    "黑体": "SimHei",
    "宋体": "SimSun",
    "楷体": "KaiTi",
    "楷体_GB2312": "KaiTi_GB2312",
    "方正小标宋简体": "FZXBSJW--GB1-0",
}
FONT_SERIF = {"仿宋", "宋体", "方正小标宋简体", "楷体", "仿宋_GB2312", "楷体_GB2312"}

HASH_OID = "2.16.840.1.101.3.4.2.1"  # SHA-256 (brief asks sha256)
SIGN_OID = "1.2.156.10197.1.501"  # SM2 with SM3 (what seals use)


# --------------------------------------------------------------------------
# glyph metrics: CJK / full-width = 1 em, ASCII and Latin-1 = 1/2 em
# --------------------------------------------------------------------------
def char_advance(ch, size):
    return size * (0.5 if ord(ch) < 0x0100 else 1.0)


def text_width(text, size):
    return sum(char_advance(c, size) for c in text)


def _advances(text, size):
    """DeltaX values: the advance of every glyph but the last (n-1)."""
    return [char_advance(c, size) for c in text[:-1]]


def _num(v, nd=3):
    s = ("%.*f" % (nd, v)).rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _fix3(v):
    return "%.3f" % v


def _attr(v):
    return _esc(str(v), {'"': "&quot;"})


# --------------------------------------------------------------------------
# tiny encoders (used by demo.py and handy for tests)
# --------------------------------------------------------------------------
def png_rgba(width, height, pixel):
    """Encode a PNG; pixel(x, y) -> (r, g, b, a)."""
    raw = bytearray()
    for y in range(height):
        raw.append(0)
        for x in range(width):
            raw.extend(pixel(x, y))

    def chunk(tag, data):
        c = struct.pack(">I", len(data)) + tag + data
        return c + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b"")
    )


def seal_png(size=160):
    """A red round 公章-like picture (ring, star, inner ring) on transparency."""
    c = (size - 1) / 2.0
    R = size / 2.0 - 1
    # five-pointed star polygon
    pts = []
    for k in range(10):
        r = R * (0.30 if k % 2 == 0 else 0.12)
        a = -math.pi / 2 + k * math.pi / 5
        pts.append((c + r * math.cos(a), c + r * math.sin(a)))

    def in_star(x, y):
        inside = False
        j = len(pts) - 1
        for i in range(len(pts)):
            xi, yi = pts[i]
            xj, yj = pts[j]
            if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
                inside = not inside
            j = i
        return inside

    def px(x, y):
        d = math.hypot(x - c, y - c)
        red = (214, 0, 15, 230)
        if R * 0.90 <= d <= R:
            return red
        if R * 0.60 <= d <= R * 0.64:  # thin inner ring (text band)
            return red
        if (
            R * 0.66 < d < R * 0.86 and int(math.degrees(math.atan2(y - c, x - c)) + 360) % 14 < 7 and y < c + R * 0.3
        ):  # dashes standing for the arc of characters
            return red
        if in_star(x, y):
            return red
        return (255, 255, 255, 0)

    return png_rgba(size, size, px)


_ZIGZAG = [
    0,
    1,
    8,
    16,
    9,
    2,
    3,
    10,
    17,
    24,
    32,
    25,
    18,
    11,
    4,
    5,
    12,
    19,
    26,
    33,
    40,
    48,
    41,
    34,
    27,
    20,
    13,
    6,
    7,
    14,
    21,
    28,
    35,
    42,
    49,
    56,
    57,
    50,
    43,
    36,
    29,
    22,
    15,
    23,
    30,
    37,
    44,
    51,
    58,
    59,
    52,
    45,
    38,
    31,
    39,
    46,
    53,
    60,
    61,
    54,
    47,
    55,
    62,
    63,
]
_QLUM = [
    16,
    11,
    10,
    16,
    24,
    40,
    51,
    61,
    12,
    12,
    14,
    19,
    26,
    58,
    60,
    55,
    14,
    13,
    16,
    24,
    40,
    57,
    69,
    56,
    14,
    17,
    22,
    29,
    51,
    87,
    80,
    62,
    18,
    22,
    37,
    56,
    68,
    109,
    103,
    77,
    24,
    35,
    55,
    64,
    81,
    104,
    113,
    92,
    49,
    64,
    78,
    87,
    103,
    121,
    120,
    101,
    72,
    92,
    95,
    98,
    112,
    100,
    103,
    99,
]
_DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
_DC_VALS = list(range(12))
_AC_BITS = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D]
_AC_VALS = bytes.fromhex(
    "01020300041105122131410613516107227114328191a1082342b1c11552d1f0"
    "2433627282090a161718191a25262728292a3435363738393a434445464748494a"
    "535455565758595a636465666768696a737475767778797a838485868788898a"
    "92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6"
    "c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa"
)


def _huff_codes(bits, vals):
    codes, code, k = {}, 0, 0
    for length in range(1, 17):
        for _ in range(bits[length - 1]):
            codes[vals[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return codes


def jpeg_gray(width, height, pixel, quality=75):
    """Baseline (SOF0) greyscale JPEG encoder; pixel(x, y) -> 0..255."""
    q = 5000 / quality if quality < 50 else 200 - 2 * quality
    qt = [min(255, max(1, int((v * q + 50) / 100))) for v in _QLUM]
    dc_codes = _huff_codes(_DC_BITS, _DC_VALS)
    ac_codes = _huff_codes(_AC_BITS, list(_AC_VALS))
    cos = [
        [(math.sqrt(0.5) if u == 0 else 1.0) * math.cos((2 * x + 1) * u * math.pi / 16) / 2 for x in range(8)]
        for u in range(8)
    ]
    out = bytearray()
    acc = [0, 0]  # bit buffer, count

    def put(code, length):
        acc[0] = (acc[0] << length) | code
        acc[1] += length
        while acc[1] >= 8:
            acc[1] -= 8
            b = (acc[0] >> acc[1]) & 0xFF
            out.append(b)
            if b == 0xFF:
                out.append(0)
        acc[0] &= (1 << acc[1]) - 1

    def magnitude(v):
        n = abs(v).bit_length()
        return n, (v if v >= 0 else v + (1 << n) - 1)

    prev_dc = 0
    for by in range(0, height, 8):
        for bx in range(0, width, 8):
            blk = [[pixel(min(bx + x, width - 1), min(by + y, height - 1)) - 128.0 for x in range(8)] for y in range(8)]
            tmp = [[sum(cos[u][x] * blk[y][x] for x in range(8)) for u in range(8)] for y in range(8)]
            coef = [0] * 64
            for v in range(8):
                for u in range(8):
                    s = sum(cos[v][y] * tmp[y][u] for y in range(8))
                    coef[v * 8 + u] = int(round(s / qt[v * 8 + u]))
            zz = [coef[i] for i in _ZIGZAG]
            diff = zz[0] - prev_dc
            prev_dc = zz[0]
            n, bits = magnitude(diff)
            put(*dc_codes[n])
            if n:
                put(bits, n)
            run = 0
            last = max([i for i in range(1, 64) if zz[i]] or [0])
            for i in range(1, last + 1):
                if zz[i] == 0:
                    run += 1
                    continue
                while run > 15:
                    put(*ac_codes[0xF0])
                    run -= 16
                n, bits = magnitude(zz[i])
                put(*ac_codes[(run << 4) | n])
                put(bits, n)
                run = 0
            if last < 63:
                put(*ac_codes[0x00])
    if acc[1]:
        put((1 << (8 - acc[1])) - 1, 8 - acc[1])

    def seg(marker, data):
        return b"\xff" + bytes([marker]) + struct.pack(">H", len(data) + 2) + data

    hdr = b"\xff\xd8"
    hdr += seg(0xE0, b"JFIF\x00\x01\x01\x01\x00\x48\x00\x48\x00\x00")
    hdr += seg(0xDB, b"\x00" + bytes(qt[i] for i in _ZIGZAG))
    hdr += seg(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00")
    hdr += seg(0xC4, b"\x00" + bytes(_DC_BITS) + bytes(_DC_VALS))
    hdr += seg(0xC4, b"\x10" + bytes(_AC_BITS) + _AC_VALS)
    hdr += seg(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    return hdr + bytes(out) + b"\xff\xd9"


def scanned_page_jpeg(width=240, height=336, seed=7):
    """A greyscale 'scan': off-white paper, a photo block and text-like bars."""
    rnd = random.Random(seed)
    noise = [rnd.randint(-6, 6) for _ in range(997)]
    bars = []
    y = int(height * 0.62)
    while y < height * 0.92:
        x0 = int(width * 0.13) + (int(width * 0.06) if not bars or rnd.random() < 0.3 else 0)
        x1 = int(width * 0.87) - (rnd.randint(0, int(width * 0.4)) if rnd.random() < 0.25 else 0)
        bars.append((x0, x1, y, y + 4))
        y += 10

    def px(x, yy):
        v = 236 + noise[(x * 31 + yy * 17) % 997]
        if width * 0.13 <= x <= width * 0.87 and height * 0.10 <= yy <= height * 0.55:
            # a 'photograph': smooth gradient with a darker 'banner'
            v = 90 + int(100 * x / width) + int(40 * math.sin(yy / 9.0))
            if height * 0.18 <= yy <= height * 0.24:
                v = 60
        for a, b, t, u in bars:
            if a <= x <= b and t <= yy <= u:
                v = 40
        return max(0, min(255, v))

    return jpeg_gray(width, height, px)


# --------------------------------------------------------------------------
# minimal DER, so SignedValue.dat looks like an SES_Signature blob
# --------------------------------------------------------------------------
def _der(tag, body):
    n = len(body)
    if n < 0x80:
        ln = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        ln = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + ln + body


def _fake_signed_value(seal, digest, when):
    ia5 = lambda s: _der(0x16, s.encode("ascii"))
    utf8 = lambda s: _der(0x0C, s.encode("utf-8"))
    header = _der(0x30, ia5("ES") + _der(0x02, b"\x04") + ia5("OFDTestVendor"))
    pic = _der(0x30, ia5("png") + _der(0x04, seal) + _der(0x02, b"\x28") + _der(0x02, b"\x28"))
    esl = _der(0x30, header + _der(0x30, utf8("测试电子印章") + pic))
    tbs = _der(0x30, _der(0x02, b"\x04") + esl + _der(0x18, when.encode()) + _der(0x03, b"\x00" + digest))
    sig = hashlib.sha512(digest).digest()
    return _der(0x30, tbs + _der(0x06, b"\x2a\x81\x1c\xcf\x55\x01\x83\x75") + _der(0x03, b"\x00" + sig))


# --------------------------------------------------------------------------
# XML writer that knows about both producers' habits
# --------------------------------------------------------------------------
class _X:
    """Collect XML text for one part.  prefix '' means default namespace."""

    def __init__(self, prefix, style):
        self.p = (prefix + ":") if prefix else ""
        self.prefix = prefix
        self.style = style
        self.parts = []
        self.depth = 0

    def _nl(self):
        if self.style == "A":
            return "\n" + "  " * self.depth
        return "\r\n" + (" " * (self.depth % 3))  # B: CRLF, ragged indentation

    def open(self, tag, attrs=(), root=False, empty=False, text=None):
        a = ""
        if root:
            if self.prefix:
                a += ' xmlns:%s="%s"' % (self.prefix, NS)
            else:
                a += ' xmlns="%s"' % NS
        for k, v in attrs:
            if v is None:
                continue
            a += ' %s="%s"' % (k, _attr(v))
        if self.parts:
            self.parts.append(self._nl())
        if text is not None:
            self.parts.append("<%s%s%s>%s</%s%s>" % (self.p, tag, a, _esc(text), self.p, tag))
        elif empty:
            self.parts.append("<%s%s%s%s/>" % (self.p, tag, a, " " if self.style == "B" else ""))
        else:
            self.parts.append("<%s%s%s>" % (self.p, tag, a))
            self.depth += 1

    def leaf(self, tag, text, attrs=()):
        self.open(tag, attrs, text=text)

    def empty(self, tag, attrs=()):
        self.open(tag, attrs, empty=True)

    def close(self, tag):
        self.depth -= 1
        self.parts.append(self._nl())
        self.parts.append("</%s%s>" % (self.p, tag))

    def bytes(self):
        if self.style == "A":
            decl = '<?xml version="1.0" encoding="UTF-8"?>\n'
        else:
            decl = "<?xml version='1.0' encoding='UTF-8' standalone='no'?>\r\n"
        return (decl + "".join(self.parts) + ("\n" if self.style == "A" else "\r\n")).encode("utf-8")


class _Ids:
    def __init__(self, producer, seed):
        self.n = 0
        self.producer = producer
        self.rnd = random.Random(seed)

    def new(self):
        if self.producer == "A":
            self.n += 1
        else:  # unique, increasing, with gaps
            self.n += self.rnd.choice((1, 1, 2, 3, 7))
        return self.n


def _gcompress(vals):
    """DeltaX with the 'g' repeat syntax: runs of >=2 equal values -> g n v."""
    out, i = [], 0
    while i < len(vals):
        j = i
        while j < len(vals) and abs(vals[j] - vals[i]) < 1e-9:
            j += 1
        if j - i >= 2:
            out.append("g %d %s" % (j - i, _num(vals[i])))
        else:
            out.append(_num(vals[i]))
        i = j
    return " ".join(out)


def _split_fragments(text, rnd):
    """Split a line into fragments of 2..6 characters (B), avoiding a fragment
    that starts or ends with a space."""
    frags, pos, n = [], 0, len(text)
    while pos < n:
        rem = n - pos
        if rem <= 6:
            frags.append(text[pos:])
            break
        choices = [k for k in range(2, min(6, rem - 2) + 1)]
        rnd.shuffle(choices)
        good = [k for k in choices if text[pos + k - 1] != " " and text[pos + k] != " "]
        k = (good or choices)[0]
        frags.append(text[pos : pos + k])
        pos += k
    return frags


def _box_b(vals, i):
    """B writes ST_Box / ST_Array sometimes with doubled or trailing spaces."""
    s = [_num(v, 2) for v in vals]
    if i % 3 == 1:
        return "  ".join(s)
    if i % 3 == 2:
        return " ".join(s) + " "
    return " ".join(s)


# --------------------------------------------------------------------------
# the writer
# --------------------------------------------------------------------------
def _img_format(data):
    if data[:2] == b"\xff\xd8":
        return "JPEG", "jpg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG", "png"
    if data[:2] == b"BM":
        return "BMP", "bmp"
    raise ValueError("image must be JPEG, PNG or BMP")


def _is_date_line(t):
    return ("年" in t and "月" in t and t.endswith("日")) or ("〇" in t and "日" in t)


def _seal_box(lines):
    """Seal position: over the 署名 and 成文日期 (GB/T 9704: 印章 presses them,
    the two lines sit a little below the seal centre)."""
    idx = None
    for i in range(len(lines) - 1, -1, -1):
        if _is_date_line(lines[i]["text"].strip()):
            idx = i
            break
    if idx is None:
        idx = len(lines) - 1
    group = [lines[idx]] + ([lines[idx - 1]] if idx > 0 else [])
    x0 = min(l["x"] for l in group)
    x1 = max(l["x"] + text_width(l["text"], l["size"]) for l in group)
    ys = [l["y"] - l["size"] / 2 for l in group]
    cx = (x0 + x1) / 2
    cy = sum(ys) / len(ys) - 2.0
    d = 40.0
    return (cx - d / 2, cy - d / 2, d, d)


def write_ofd(path, *, title, author, creation_date, pages, producer="A", seal_png=None, image_pages=None, tables=None):
    producer = producer.upper()
    if producer not in ("A", "B"):
        raise ValueError("producer must be 'A' or 'B'")
    image_pages = dict(image_pages or {})
    tables = dict(tables or {})
    npages = len(pages)
    for k in list(image_pages) + list(tables):
        if not 0 <= k < npages:
            raise ValueError("page index %r out of range" % k)
    seed = int(hashlib.md5((title + producer).encode("utf-8")).hexdigest()[:8], 16)
    rnd = random.Random(seed)
    ids = _Ids(producer, seed)
    A = producer == "A"
    files = {}  # zip name -> bytes   (insertion order kept)

    def X(prefixed):
        return _X("ofd" if (A or prefixed) else "", producer)

    # ---- resources: fonts (PublicRes), pictures (DocumentRes) ------------
    font_ids = {}
    for pi, page in enumerate(pages):
        if pi in image_pages:
            continue
        for ln in page:
            if ln["font"] not in font_ids:
                font_ids[ln["font"]] = ids.new()
    media = []  # (id, format, filename, data)

    def add_media(data, stem):
        fmt, ext = _img_format(data)
        mid = ids.new()
        fname = ("Image_%d.%s" % (mid, ext)) if A else ("%s%d.%s" % (stem, len(media), ext))
        media.append((mid, fmt, fname, data))
        return mid

    page_img_res = {pi: add_media(data, "scan") for pi, data in sorted(image_pages.items())}
    seal_res = add_media(seal_png, "seal") if seal_png else None

    tpl_id = None if A else ids.new()
    page_ids = [ids.new() for _ in range(npages)]
    if A:
        folders = list(range(npages))
    else:  # folder numbering not in reading order
        folders = [(i + 1) % npages for i in range(npages)] if npages > 1 else [0]
    text_pages = [i for i in range(npages) if i not in image_pages]
    seal_page = text_pages[-1] if (seal_png and text_pages) else (npages - 1 if seal_png else None)
    seal_box = None
    if seal_png:
        seal_box = (
            _seal_box(pages[seal_page]) if pages[seal_page] and seal_page in text_pages else (130.0, 225.0, 40.0, 40.0)
        )

    # ---- page contents -----------------------------------------------------
    tag_refs = {"title": [], "body": [], "sign": []}  # for B's CustomTags
    for pi in range(npages):
        folder = folders[pi]
        x = X(prefixed=(folder % 2 == 1))
        x.open("Page", root=True)
        if not A:
            x.empty("Template", [("TemplateID", tpl_id), ("ZOrder", "Background")])
        x.open("Area")
        x.leaf("PhysicalBox", "0 0 210 297" if A else "0 0 210.0 297.0")
        x.close("Area")
        x.open("Content")
        x.open("Layer", [("ID", ids.new())] + ([] if A else [("Type", "Body")]))
        if pi in image_pages:
            x.empty(
                "ImageObject",
                [
                    ("ID", ids.new()),
                    ("Boundary", "0.000 0.000 210.000 297.000" if A else "0 0 210 297"),
                    ("CTM", "210 0 0 297 0 0"),
                    ("ResourceID", page_img_res[pi]),
                ],
            )
        else:
            lines = pages[pi]
            sign_lines = set()
            if lines:
                for i in range(len(lines) - 1, -1, -1):
                    if _is_date_line(lines[i]["text"].strip()):
                        sign_lines = {i, i - 1}
                        break
            for li, ln in enumerate(lines):
                text = ln["text"]
                if not text:
                    continue
                s = float(ln["size"])
                fid = font_ids[ln["font"]]
                kind = "title" if ln["font"] == "方正小标宋简体" else ("sign" if li in sign_lines else "body")
                if A:
                    w = text_width(text, s)
                    oid = ids.new()
                    x.open(
                        "TextObject",
                        [
                            ("ID", oid),
                            ("Boundary", " ".join(_fix3(v) for v in (ln["x"], ln["y"] - s, w, s * 1.25))),
                            ("Font", fid),
                            ("Size", _fix3(s)),
                        ],
                    )
                    x.empty("FillColor", [("Value", "0 0 0")])
                    x.leaf(
                        "TextCode",
                        text,
                        [
                            ("X", "0.000"),
                            ("Y", _fix3(s)),
                            ("DeltaX", " ".join(_num(v) for v in _advances(text, s)) or None),
                        ],
                    )
                    x.close("TextObject")
                    tag_refs[kind].append((page_ids[pi], oid))
                else:
                    cur = float(ln["x"])
                    for fi, frag in enumerate(_split_fragments(text, rnd)):
                        w = text_width(frag, s)
                        bx, by = math.floor(cur), math.floor(ln["y"] - s)
                        bw = math.ceil(cur + w - bx)
                        bh = math.ceil(ln["y"] + 0.25 * s - by)
                        oid = ids.new()
                        x.open(
                            "TextObject",
                            [
                                ("ID", oid),
                                ("Font", fid),
                                ("Size", _num(s)),
                                ("Boundary", _box_b((bx, by, bw, bh), oid)),
                            ],
                        )
                        x.empty("FillColor", [("Value", "0 0 0")])
                        dx = _gcompress(_advances(frag, s))
                        x.leaf(
                            "TextCode", frag, [("X", _num(cur - bx)), ("Y", _num(ln["y"] - by)), ("DeltaX", dx or None)]
                        )
                        x.close("TextObject")
                        tag_refs[kind].append((page_ids[pi], oid))
                        cur += w
            for ti, (tx, ty, tw, th, rows, cols) in enumerate(tables.get(pi, [])):
                lw = 0.353
                hs = [(tx, ty + th * r / rows, tx + tw, ty + th * r / rows) for r in range(rows + 1)]
                vs = [(tx + tw * c / cols, ty, tx + tw * c / cols, ty + th) for c in range(cols + 1)]
                if A:
                    pad = 0.5
                    d = " ".join(
                        "M %s %s L %s %s"
                        % tuple(_fix3(v) for v in (a - tx + pad, b - ty + pad, c - tx + pad, e - ty + pad))
                        for (a, b, c, e) in hs + vs
                    )
                    x.open(
                        "PathObject",
                        [
                            ("ID", ids.new()),
                            ("Boundary", " ".join(_fix3(v) for v in (tx - pad, ty - pad, tw + 2 * pad, th + 2 * pad))),
                            ("LineWidth", "0.353"),
                            ("Stroke", "true"),
                            ("Fill", "false"),
                        ],
                    )
                    x.empty("StrokeColor", [("Value", "0 0 0")])
                    x.leaf("AbbreviatedData", d)
                    x.close("PathObject")
                else:
                    for si, (a, b, c, e) in enumerate(hs + vs):
                        oid = ids.new()
                        x.open(
                            "PathObject",
                            [("ID", oid), ("Boundary", _box_b((0, 0, 210, 297), si)), ("LineWidth", "0.35")],
                        )
                        x.empty("StrokeColor", [("Value", "0 0 0")])
                        x.leaf("AbbreviatedData", "M %s %s L %s %s " % (_num(a, 2), _num(b, 2), _num(c, 2), _num(e, 2)))
                        x.close("PathObject")
        x.close("Layer")
        if not A and seal_png and pi == seal_page:
            sx, sy, sw, sh = seal_box
            x.open("Layer", [("ID", ids.new()), ("Type", "Foreground")])
            x.empty(
                "ImageObject",
                [
                    ("ID", ids.new()),
                    ("Boundary", _box_b((sx, sy, sw, sh), 0)),
                    ("CTM", "%s 0 0 %s 0 0" % (_num(sw, 2), _num(sh, 2))),
                    ("ResourceID", seal_res),
                ],
            )
            x.close("Layer")
        x.close("Content")
        x.close("Page")
        files["Doc_0/Pages/Page_%d/Content.xml" % folder] = x.bytes()

    # ---- template page (B) ------------------------------------------------
    if not A:
        x = X(prefixed=False)
        x.open("Page", root=True)
        x.open("Area")
        x.leaf("PhysicalBox", "0 0 210 297")
        x.close("Area")
        x.open("Content")
        x.empty("Layer", [("ID", ids.new()), ("Type", "Background")])
        x.close("Content")
        x.close("Page")
        files["Doc_0/Tpls/Tpl_0/Content.xml"] = x.bytes()

    # ---- annotations --------------------------------------------------------
    annots = False
    if A and seal_png:
        annots = True
        sx, sy, sw, sh = seal_box
        x = X(True)
        x.open("PageAnnot", root=True)
        x.open(
            "Annot",
            [
                ("ID", ids.new()),
                ("Type", "Stamp"),
                ("Creator", author),
                ("LastModDate", creation_date),
                ("ReadOnly", "true"),
            ],
        )
        x.open("Appearance", [("Boundary", " ".join(_fix3(v) for v in (sx, sy, sw, sh)))])
        x.empty(
            "ImageObject",
            [
                ("ID", ids.new()),
                ("Boundary", "0.000 0.000 %s %s" % (_fix3(sw), _fix3(sh))),
                ("CTM", "%s 0 0 %s 0 0" % (_num(sw), _num(sh))),
                ("ResourceID", seal_res),
            ],
        )
        x.close("Appearance")
        x.close("Annot")
        x.close("PageAnnot")
        files["Doc_0/Annots/Page_%d/Annotation.xml" % folders[seal_page]] = x.bytes()
        x = X(True)
        x.open("Annotations", root=True)
        x.open("Page", [("PageID", page_ids[seal_page])])
        x.leaf("FileLoc", "Page_%d/Annotation.xml" % folders[seal_page])
        x.close("Page")
        x.close("Annotations")
        files["Doc_0/Annots/Annotations.xml"] = x.bytes()
    elif not A:
        annots = True
        x = X(True)
        x.open("Annotations", root=True)
        # B: an Annotations entry with no Page child (converters write one even
        # when there is nothing to annotate; B draws a seal inside the page)
        x.close("Annotations")
        files["Doc_0/Annots/Annotations.xml"] = x.bytes()

    # ---- custom tags (B) ----------------------------------------------------
    if not A:
        tns = "urn:x-ofd-converter:gongwen-tags"
        body = [
            "<?xml version='1.0' encoding='UTF-8' standalone='no'?>",
            '<gw:GongWen xmlns:gw="%s" xmlns:ofd="%s">' % (tns, NS),
        ]
        for kind, tagname in (("title", "Title"), ("body", "Body"), ("sign", "Signer")):
            if tag_refs[kind]:
                body.append(" <gw:%s>" % tagname)
                for pid, oid in tag_refs[kind]:
                    body.append('  <ofd:ObjectRef PageRef="%d">%d</ofd:ObjectRef>' % (pid, oid))
                body.append(" </gw:%s>" % tagname)
        body.append("</gw:GongWen>")
        files["Doc_0/Tags/CustomTag_0.xml"] = ("\r\n".join(body) + "\r\n").encode("utf-8")
        x = X(True)
        x.open("CustomTags", root=True)
        x.open("CustomTag", [("NameSpace", tns)])
        x.leaf("FileLoc", "CustomTag_0.xml")
        x.close("CustomTag")
        x.close("CustomTags")
        files["Doc_0/Tags/CustomTags.xml"] = x.bytes()

    # ---- PublicRes / DocumentRes ----------------------------------------------
    x = X(prefixed=True)
    x.open("Res", [("BaseLoc", "Res")], root=True)
    x.open("Fonts")
    for name, fid in font_ids.items():
        if A:
            attrs = [("ID", fid), ("FontName", name), ("FamilyName", name)]
        else:
            attrs = [
                ("ID", fid),
                ("FontName", FONT_PS_NAMES.get(name, name)),
                ("FamilyName", name),
                ("Charset", "GB2312"),
                ("Serif", "true" if name in FONT_SERIF else "false"),
            ]
        x.empty("Font", attrs)
    x.close("Fonts")
    x.close("Res")
    files["Doc_0/PublicRes.xml"] = x.bytes()

    if media:
        x = X(prefixed=False)
        x.open("Res", [("BaseLoc", "Res")], root=True)
        x.open("MultiMedias")
        for mid, fmt, fname, data in media:
            x.open("MultiMedia", [("ID", mid), ("Type", "Image"), ("Format", fmt if not A else None)])
            x.leaf("MediaFile", fname)
            x.close("MultiMedia")
            files["Doc_0/Res/" + fname] = data
        x.close("MultiMedias")
        x.close("Res")
        files["Doc_0/DocumentRes.xml"] = x.bytes()

    # ---- Document.xml (written after every ID is allocated) -----------------
    max_id = ids.n
    x = X(prefixed=False)
    x.open("Document", root=True)
    x.open("CommonData")
    x.leaf("MaxUnitID", str(max_id))
    x.open("PageArea")
    x.leaf("PhysicalBox", "0 0 210 297" if A else "0  0  210  297")
    x.close("PageArea")
    x.leaf("PublicRes", "PublicRes.xml")
    if media:
        x.leaf("DocumentRes", "DocumentRes.xml")
    if not A:
        x.empty(
            "TemplatePage",
            [("ID", tpl_id), ("Name", "Default"), ("ZOrder", "Background"), ("BaseLoc", "Tpls/Tpl_0/Content.xml")],
        )
    x.close("CommonData")
    x.open("Pages")
    for pi in range(npages):
        x.empty("Page", [("ID", page_ids[pi]), ("BaseLoc", "Pages/Page_%d/Content.xml" % folders[pi])])
    x.close("Pages")
    if annots:
        x.leaf("Annotations", "Annots/Annotations.xml")
    if not A:
        x.leaf("CustomTags", "Tags/CustomTags.xml")
    x.close("Document")
    files["Doc_0/Document.xml"] = x.bytes()

    # ---- OFD.xml -------------------------------------------------------------
    h = hashlib.md5(("%s|%s|%s|%s" % (title, author, creation_date, producer)).encode("utf-8")).hexdigest()
    docid = h.upper() if A else "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])
    x = X(prefixed=False)
    x.open("OFD", [("Version", "1.0"), ("DocType", "OFD")], root=True)
    x.open("DocBody")
    x.open("DocInfo")
    x.leaf("DocID", docid)
    x.leaf("Title", title)
    x.leaf("Author", author)
    x.leaf("CreationDate", creation_date)
    x.leaf("ModDate", creation_date)
    x.leaf("Creator", "Suwell OFD Writer" if A else "OFD Converter")
    x.leaf("CreatorVersion", "3.1.18.0511" if A else "7.2.0")
    x.close("DocInfo")
    x.leaf("DocRoot", "Doc_0/Document.xml")
    if seal_png:
        x.leaf("Signatures", "Doc_0/Signs/Signatures.xml")
    x.close("DocBody")
    x.close("OFD")
    files["OFD.xml"] = x.bytes()

    # ---- signature -------------------------------------------------------------
    if seal_png:
        x = X(prefixed=False)
        x.open("Signatures", root=True)
        x.leaf("MaxSignId", "1")
        x.empty(
            "Signature",
            [
                ("ID", "1"),
                ("Type", "Seal"),
                ("BaseLoc", "/Doc_0/Signs/Sign_0/Signature.xml" if A else "Sign_0/Signature.xml"),
            ],
        )
        x.close("Signatures")
        files["Doc_0/Signs/Signatures.xml"] = x.bytes()
        refs = sorted(n for n in files)  # everything written so far
        when = creation_date.replace("-", "") + "083000Z"
        sx, sy, sw, sh = seal_box
        x = X(prefixed=True)
        x.open("Signature", root=True)
        x.open("SignedInfo")
        x.empty(
            "Provider", [("ProviderName", "OFD Test Seal Provider"), ("Version", "2.0"), ("Company", "OFD Test CA")]
        )
        x.leaf("SignatureMethod", SIGN_OID)
        x.leaf("SignatureDateTime", when if A else "%s 16:30:00" % creation_date)
        x.open("References", [("CheckMethod", HASH_OID)])
        for n in refs:
            x.open("Reference", [("FileRef", "/" + n)])
            x.leaf("CheckValue", base64.b64encode(hashlib.sha256(files[n]).digest()).decode("ascii"))
            x.close("Reference")
        x.close("References")
        box = " ".join(_fix3(v) for v in (sx, sy, sw, sh)) if A else _box_b((sx, sy, sw, sh), 1)
        x.empty("StampAnnot", [("ID", "1" if A else "s1"), ("PageRef", page_ids[seal_page]), ("Boundary", box)])
        x.close("SignedInfo")
        x.leaf("SignedValue", "/Doc_0/Signs/Sign_0/SignedValue.dat")
        x.close("Signature")
        sig_xml = x.bytes()
        files["Doc_0/Signs/Sign_0/Signature.xml"] = sig_xml
        files["Doc_0/Signs/Sign_0/SignedValue.dat"] = _fake_signed_value(
            seal_png, hashlib.sha256(sig_xml).digest(), when
        )

    # ---- zip ------------------------------------------------------------------------
    y, m, d = (int(v) for v in creation_date.split("-"))
    stamp = (y, m, d, 9, 30, 0)

    def info(name, compress):
        zi = zipfile.ZipInfo(name, stamp)
        zi.compress_type = compress
        zi.external_attr = (0o40755 << 16 | 0x10) if name.endswith("/") else (0o644 << 16)
        return zi

    with zipfile.ZipFile(path, "w") as zf:
        if A:
            order = ["OFD.xml"] + [n for n in files if n != "OFD.xml"]
            for n in order:
                zf.writestr(info(n, zipfile.ZIP_DEFLATED), files[n])
        else:
            names = sorted(n for n in files if n != "OFD.xml") + ["OFD.xml"]
            seen = set()
            for n in names:
                parts = n.split("/")[:-1]
                for k in range(1, len(parts) + 1):
                    dname = "/".join(parts[:k]) + "/"
                    if dname not in seen:
                        seen.add(dname)
                        zf.writestr(info(dname, zipfile.ZIP_STORED), b"")
                media_file = n.startswith("Doc_0/Res/")
                zf.writestr(info(n, zipfile.ZIP_STORED if media_file else zipfile.ZIP_DEFLATED), files[n])
    return path
