"""demo.py -- build three example OFD files into /tmp/ofd/out/ and write
/tmp/ofd/out/expected.json; then validate them and read them back.

    python3 /tmp/ofd/demo.py
"""

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_ofd
from make_ofd import scanned_page_jpeg, seal_png, text_width, write_ofd

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "out")

# GB/T 9704-2012 look: A4, text block 28..184 mm wide, 22 lines per page
BODY_X = 31.8
BODY_SIZE = 5.64  # 3号 = 16 pt
TITLE_SIZE = 7.76  # 2号 = 22 pt
PNUM_SIZE = 4.94  # 4号 = 14 pt
CELL_SIZE = 4.94
CPL = 28  # characters per line
PITCH = 10.2  # line pitch (225 mm / 22 lines)
TITLE_PITCH = 10.9
TOP_Y = 43.5  # first baseline on a continuation page
BOTTOM_Y = 262.0  # last baseline allowed (37 + 225)
PNUM_Y = 273.5
SIGN_RIGHT = BODY_X + (CPL - 2) * BODY_SIZE  # 落款 right-aligned, 右空二字

NO_START = set("，。、；：？！）》」』”’…—%·")
NO_END = set("（《「『“‘〔")


def ems(s):
    return sum(0.5 if ord(c) < 0x100 else 1.0 for c in s)


def wrap(text, first_em, em):
    """Break a paragraph into lines: by width in ems, Latin/digit runs kept
    whole, closing punctuation hangs, opening punctuation never ends a line."""
    tokens = re.findall(r"[0-9A-Za-z.%\-]+|.", text)
    lines, cur, w, limit = [], "", 0.0, first_em
    for tok in tokens:
        tw = ems(tok)
        if cur and w + tw > limit + 1e-9:
            if tok[0] in NO_START:
                cur += tok
                w += tw
                continue
            carry = ""
            while cur and cur[-1] in NO_END:
                carry, cur = cur[-1] + carry, cur[:-1]
            lines.append(cur)
            cur, w, limit = carry, ems(carry), em
        cur += tok
        w += tw
    if cur:
        lines.append(cur)
    return lines


def layout(blocks):
    """blocks: ("title", text) | ("para", text[, font]) | ("table", rows)
    | ("blank",) | ("sign", unit, date).  Returns pages, tables, notes."""
    pages, tables = [[]], {}
    y = [None]

    def newpage():
        pages.append([])
        y[0] = TOP_Y

    def put(text, x, size, font, yy=None):
        pages[-1].append(
            {"text": text, "x": round(x, 3), "y": round(yy if yy is not None else y[0], 3), "size": size, "font": font}
        )

    first_body = True
    for b in blocks:
        kind = b[0]
        if kind == "title":
            y[0] = 50.0 if y[0] is None else y[0] + TITLE_PITCH
            for i, t in enumerate(wrap(b[1], 20, 20)):
                if i:
                    y[0] += TITLE_PITCH
                put(t, (210 - text_width(t, TITLE_SIZE)) / 2, TITLE_SIZE, "方正小标宋简体")
            continue
        if first_body:
            y[0] += PITCH * 2  # one blank line after the title
            first_body = False
        else:
            y[0] += PITCH
        if kind == "blank":
            continue
        if kind == "para":
            font = b[2] if len(b) > 2 else "仿宋"
            for i, t in enumerate(wrap(b[1], CPL - 2, CPL)):
                if i:
                    y[0] += PITCH
                if y[0] > BOTTOM_Y:
                    newpage()
                put(t, BODY_X + (2 * BODY_SIZE if i == 0 else 0), BODY_SIZE, "仿宋" if font is None else font)
        elif kind == "table":
            rows = b[1]
            nr, nc = len(rows), len(rows[0])
            rh, tw = 7.5, 150.0
            top = y[0] - BODY_SIZE
            if top + nr * rh > BOTTOM_Y + 2:
                newpage()
                top = y[0] - BODY_SIZE
            x0 = BODY_X + (CPL * BODY_SIZE - tw) / 2
            tables.setdefault(len(pages) - 1, []).append((round(x0, 3), round(top, 3), tw, nr * rh, nr, nc))
            for r, row in enumerate(rows):
                base = top + r * rh + rh / 2 + CELL_SIZE * 0.35
                for c, cell in enumerate(row):
                    cx = x0 + tw * (c + 0.5) / nc
                    put(cell, cx - text_width(cell, CELL_SIZE) / 2, CELL_SIZE, "黑体" if r == 0 else "仿宋", base)
            y[0] = top + nr * rh + BODY_SIZE - PITCH + 2.0
        elif kind == "sign":
            # b[3] blank lines before the 落款, fewer if that keeps it on the page
            blanks = b[3] if len(b) > 3 else 2
            while blanks and y[0] + (blanks + 1) * PITCH > BOTTOM_Y:
                blanks -= 1
            if y[0] + (blanks + 1) * PITCH > BOTTOM_Y:
                newpage()
            y[0] += blanks * PITCH
            put(b[1], SIGN_RIGHT - text_width(b[1], BODY_SIZE), BODY_SIZE, "仿宋")
            y[0] += PITCH
            put(b[2], SIGN_RIGHT - text_width(b[2], BODY_SIZE), BODY_SIZE, "仿宋")
    # page numbers: 4号宋体 "— n —", odd right / even left, one character in
    for i, pg in enumerate(pages):
        t = "— %d —" % (i + 1)
        x = (184 - PNUM_SIZE - text_width(t, PNUM_SIZE)) if i % 2 == 0 else (28 + PNUM_SIZE)
        pg.append({"text": t, "x": round(x, 3), "y": PNUM_Y, "size": PNUM_SIZE, "font": "宋体"})
    return pages, tables


HENAN_TITLE = "河南省质量技术监督局2018年世界认可日活动总结"
HENAN = [
    ("title", "河南省质量技术监督局"),
    ("title", "2018年世界认可日活动总结"),
    (
        "para",
        "按照国家认监委《关于组织开展2018年世界认可日活动的通知》（国认办函〔2018〕26号）要求，"
        "我局围绕“认证认可——传递市场信任，服务市场监管”主题，于6月5日至6月15日在全省组织开展了"
        "形式多样的世界认可日系列活动。现将有关情况总结如下：",
    ),
    ("para", "一、加强组织领导，精心部署安排", "黑体"),
    (
        "para",
        "5月28日，我局印发《河南省2018年世界认可日活动方案》，成立由分管局领导任组长的活动领导小组，"
        "明确各省辖市质监局和省直有关检验检测机构的任务分工、时间节点，确保各项活动有序推进。",
    ),
    ("para", "二、开展主题宣传，扩大社会影响", "黑体"),
    (
        "para",
        "6月9日世界认可日当天，我局在郑州市紫荆山广场举办全省主题宣传咨询活动，组织省计量科学研究院、"
        "省产品质量监督检验院等23家检验检测认证机构设立咨询台，展出宣传展板40块，发放宣传资料8000余份，"
        "解答群众咨询560余人次。许昌、洛阳、南阳等地同步在商场、社区悬挂横幅、设置展板，营造了良好氛围。",
    ),
    ("para", "三、组织培训宣贯，推动政策落地", "黑体"),
    (
        "para",
        "6月12日，我局在郑州举办国务院3号文件宣贯培训班，邀请国家认监委有关专家解读加强质量认证体系建设的"
        "政策措施，全省质监系统、认证机构和获证企业代表共320余人参加培训。",
    ),
    ("para", "四、开放实验室，走进企业服务", "黑体"),
    (
        "para",
        "6月6日至8日，省纤维检验局等6家机构开展实验室开放日活动，接待社会公众参观体验1200余人次；"
        "组织技术专家走进中牟县、长葛市等地40余家中小企业，开展质量管理体系认证帮扶和免费检测服务。",
    ),
    ("para", "五、加强媒体传播，营造良好氛围", "黑体"),
    (
        "para",
        "河南日报、河南电视台、大河网等媒体对活动进行了报道，我局门户网站和微信公众号开设世界认可日专栏，"
        "发布活动信息36篇。",
    ),
    (
        "para",
        "据统计，活动期间全省共开展各类活动86场次，参与群众累计1.5万余人次。下一步，我局将认真总结经验，"
        "推动认证认可宣传工作常态化、长效化。",
    ),
    ("sign", "河南省质量技术监督局", "2018年7月10日", 2),
]
HENAN_TABLE = [
    ("para", "主要省辖市活动情况统计如下："),
    (
        "table",
        [
            ["地区", "活动场次", "参与人次", "发放资料（份）"],
            ["郑州市", "18", "4200", "2600"],
            ["洛阳市", "12", "2300", "1500"],
            ["许昌市", "9", "1600", "1100"],
            ["南阳市", "8", "1300", "900"],
        ],
    ),
]

QINGDAO_TITLE = "青岛市质量技术监督局2018年世界认可日活动总结"
QINGDAO = [
    ("title", "青岛市质量技术监督局"),
    ("title", "2018年世界认可日活动总结"),
    (
        "para",
        "根据国家认监委统一部署，我局于2018年6月9日在市南区五四广场举办世界认可日宣传咨询活动，"
        "联合青岛市认证认可协会和15家检验检测认证机构现场设台，发放宣传资料3000余份，接受群众咨询200余人次。",
    ),
    (
        "para",
        "6月11日，我局组织召开全市认证认可工作座谈会，30余家获证企业代表交流了运用认证手段提升质量管理水平的"
        "经验做法。青岛电视台、青岛日报等媒体对活动进行了报道。",
    ),
    ("blank",),
    ("para", "附件：活动现场照片"),
    ("sign", "青岛市质量技术监督局", "2018年7月6日", 2),
]


def page_text(lines, drop_pnum=False):
    return "\n".join(l["text"] for l in lines if not (drop_pnum and re.fullmatch(r"— \d+ —", l["text"])))


def baseline_text(lines):
    rows = []
    for l in lines:
        if rows and abs(rows[-1][0] - l["y"]) < 0.3:
            rows[-1][1].append(l)
        else:
            rows.append((l["y"], [l]))
    rows.sort(key=lambda r: r[0])
    return "\n".join(" ".join(l["text"] for l in sorted(ls, key=lambda q: q["x"])) for _, ls in rows)


def main():
    os.makedirs(OUT, exist_ok=True)
    seal = seal_png(160)
    scan = scanned_page_jpeg()
    specs = []

    pages, tables = layout(HENAN)
    specs.append(
        dict(
            file="01_henan_summary_A_sealed.ofd",
            producer="A",
            title=HENAN_TITLE,
            author="河南省质量技术监督局",
            creation_date="2018-07-13",
            pages=pages,
            seal_png=seal,
            image_pages=None,
            tables=None,
        )
    )

    blocks = HENAN[:-2] + HENAN_TABLE + HENAN[-2:]
    pages, tables = layout(blocks)
    specs.append(
        dict(
            file="02_henan_summary_B_table.ofd",
            producer="B",
            title=HENAN_TITLE,
            author="河南省质量技术监督局",
            creation_date="2018-07-13",
            pages=pages,
            seal_png=None,
            image_pages=None,
            tables=tables,
        )
    )

    pages, _ = layout(QINGDAO)
    pages.append([])  # page 2: the scanned photo page
    specs.append(
        dict(
            file="03_qingdao_summary_A_scan.ofd",
            producer="A",
            title=QINGDAO_TITLE,
            author="青岛市质量技术监督局",
            creation_date="2018-07-09",
            pages=pages,
            seal_png=None,
            image_pages={1: scan},
            tables=None,
        )
    )

    expected = {}
    ok = True
    for s in specs:
        path = os.path.join(OUT, s["file"])
        write_ofd(
            path,
            title=s["title"],
            author=s["author"],
            creation_date=s["creation_date"],
            pages=s["pages"],
            producer=s["producer"],
            seal_png=s["seal_png"],
            image_pages=s["image_pages"],
            tables=s["tables"],
        )
        img = sorted((s["image_pages"] or {}).keys())
        pg = [[] if i in img else p for i, p in enumerate(s["pages"])]
        expected[s["file"]] = {
            "producer": s["producer"],
            "title": s["title"],
            "author": s["author"],
            "creation_date": s["creation_date"],
            "sealed": bool(s["seal_png"]),
            "page_count": len(pg),
            "image_pages": img,
            # the seal sits over the 落款 of the last page that has text
            "seal_page": ([i for i in range(len(pg)) if i not in img][-1] if s["seal_png"] else None),
            "has_table": bool(s["tables"]),
            "tables": {str(k): [list(t) for t in v] for k, v in (s["tables"] or {}).items()},
            # lines in the order given to write_ofd (table cells row-major, one per line)
            "text": "\f".join(page_text(p) for p in pg),
            "text_without_page_numbers": "\f".join(page_text(p, True) for p in pg),
            # same, but pieces sharing a baseline (table rows) joined by one space
            "text_by_baseline": "\f".join(baseline_text(p) for p in pg),
        }
        probs = check_ofd.validate(path)
        got, info = check_ofd.read_text(path)
        want = expected[s["file"]]["text_by_baseline"].split("\f")
        if got != want:
            probs.append("read-back text differs from expected")
            for i, (a, b) in enumerate(zip(got, want)):
                if a != b:
                    probs.append("page %d:\n got: %r\nwant: %r" % (i, a[:300], b[:300]))
        if info["sealed"] != bool(s["seal_png"]):
            probs.append("sealed flag differs")
        print("%-36s %s" % (s["file"], "OK" if not probs else "PROBLEMS"))
        for p in probs:
            print("    " + p)
        ok = ok and not probs
    with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=2)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
