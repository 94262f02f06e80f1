"""Write the statistics workbooks regional bureaus send for 2018 世界认可日.

Usage: make_sheets.py OUT_DIR [LABELS_JSON]

The sheets imitate what clerks make in Excel/WPS: merged titles, two-level
headers, spacer rows and columns, 合计 rows as =SUM() or as typed numbers,
text figures such as "200余" beside formatted numbers, real Excel dates, a
hidden drop-down sheet, and a CSV saved by Excel on Chinese Windows (GBK, CRLF).
All figures are fictional but internally consistent: every stated total is the
sum of its rows (lower bounds for "余"/"约" cells).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.datavalidation import DataValidation

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
BODY = Font(name="宋体", size=11)
HEAD = Font(name="宋体", size=11, bold=True)
TITLE = Font(name="方正小标宋简体", size=18)

METRICS = ("participants", "materials", "media_reports", "consultations", "institutions")


def _props(wb: Workbook, creator: str) -> None:
    wb.properties.creator = creator
    wb.properties.lastModifiedBy = creator
    wb.properties.created = dt.datetime(2018, 7, 9, 9, 12, 0)
    wb.properties.modified = dt.datetime(2018, 7, 13, 16, 40, 0)


def _box(ws, cell_range: str, font=BODY, align=CENTER) -> None:
    for row in ws[cell_range]:
        for c in row:
            c.border = BOX
            c.font = font
            c.alignment = align


# --------------------------------------------------------------------------
# 1. 湖北省 — one sheet per city, SUM 合计 (and a 数值版 copy)
# --------------------------------------------------------------------------
# 单位, 主要活动时间, 场次, 参与人次, 发放资料, 媒体报道, 接受咨询, 参与机构, 参与企业, 备注
HUBEI_ROWS = [
    ("武汉市", "6月8日—9日", 12, 4860, 15200, 18, 1320, 46, 120, "含各区分局"),
    ("黄石市", "6月9日", 5, 1200, 4300, 6, 410, 12, 35, ""),
    ("十堰市", "6月9日", 4, 980, 3500, 5, 300, 9, 28, ""),
    ("宜昌市", "6月7日至9日", 6, 1560, 5200, 8, 520, 15, 42, "检验检测机构开放日"),
    ("襄阳市", "6月9日", 5, 1340, 4800, 7, 460, 14, 30, ""),
    ("鄂州市", "6.9", 2, 420, 1500, 2, 130, 4, 10, ""),
    ("荆门市", "6月8日", 3, 650, 2600, 4, 210, 7, 18, ""),
    ("孝感市", "6月上旬", 3, 720, 2800, 3, 240, 6, 22, "进企业、进社区"),
    ("荆州市", "6月9日", 4, 1100, 4000, 5, 380, 11, 26, ""),
    ("黄冈市", "6月9日", 4, 860, 3200, 4, 290, 8, 31, ""),
    ("咸宁市", "6月11日", 2, 510, 2000, 3, 160, 5, 12, ""),
    ("随州市", "6月9日", 2, 380, 1600, 2, 120, 3, 9, ""),
    ("恩施州", "6月8日", 3, 600, 2400, 3, 200, 6, 15, ""),
    ("仙桃市", "6月9日", 1, 260, 1000, 1, 85, 2, 6, ""),
    ("潜江市", "6月9日", 1, 240, None, 1, 70, 2, 5, "资料由省局统一下发"),
    ("天门市", "6月9日", 1, 230, 800, None, 60, 2, 4, ""),
    ("神农架林区", "6月9日", 1, 120, 500, 1, 40, 1, 2, ""),
    ("省局直属技术机构", "6月9日", 3, 680, 1500, 6, 150, 5, 0, "省质检院、省计量院、省标准化院开放实验室"),
]


def _col_sum(rows, idx: int) -> int:
    return sum(r[idx] or 0 for r in rows)


def hubei(out: Path, numeric_total: bool) -> tuple[str, dict]:
    wb = Workbook()
    _props(wb, "hbzj-rzc")
    ws = wb.active
    ws.title = "Sheet1"
    # Column A is an empty margin column, L an empty spacer before 备注.
    widths = {
        "A": 2.5,
        "B": 6,
        "C": 16,
        "D": 13,
        "E": 7,
        "F": 10,
        "G": 12,
        "H": 10,
        "I": 11,
        "J": 12,
        "K": 10,
        "L": 2.5,
        "M": 26,
    }
    for col, w in widths.items():
        ws.column_dimensions[col].width = w

    ws.merge_cells("B1:M1")
    ws["B1"] = "2018年世界认可日活动情况统计表"
    ws["B1"].font = TITLE
    ws["B1"].alignment = CENTER
    ws.row_dimensions[1].height = 36

    ws.merge_cells("B2:G2")
    ws["B2"] = "填报单位：湖北省质量技术监督局（盖章）"
    ws["B2"].font = BODY
    ws.merge_cells("J2:M2")
    ws["J2"] = "填报日期：2018年7月13日"
    ws["J2"].font = BODY
    ws["J2"].alignment = Alignment(horizontal="right")
    # row 3 left blank as a spacer

    heads = [
        ("B4:B5", "序号"),
        ("C4:C5", "单位"),
        ("D4:D5", "主要活动时间"),
        ("E4:F4", "活动情况"),
        ("G4:I4", "宣传情况"),
        ("J4:K4", "参与单位"),
        ("M4:M5", "备注"),
    ]
    for rng, text in heads:
        ws.merge_cells(rng)
        ws[rng.split(":")[0]] = text
    for col, text in zip(
        "EFGHIJK",
        [
            "场次",
            "参与人次",
            "发放资料（份）",
            "媒体报道（篇）",
            "接受咨询（人次）",
            "检验检测认证机构（家）",
            "企业（家）",
        ],
    ):
        ws[f"{col}5"] = text
    _box(ws, "B4:K5", HEAD)
    _box(ws, "M4:M5", HEAD)
    ws.row_dimensions[5].height = 30

    first = 6
    for i, row in enumerate(HUBEI_ROWS):
        r = first + i
        ws.cell(r, 2, i + 1)
        for j, v in enumerate(row[:9]):
            ws.cell(r, 3 + j, v)
        ws.cell(r, 13, row[9] or None)
        _box(ws, f"B{r}:K{r}")
        _box(ws, f"M{r}:M{r}", align=LEFT)
    last = first + len(HUBEI_ROWS) - 1

    # a blank spacer row inside the table, still bordered, then 合计
    spacer = last + 1
    _box(ws, f"B{spacer}:K{spacer}")
    _box(ws, f"M{spacer}:M{spacer}")
    tot = spacer + 1
    ws.merge_cells(f"B{tot}:D{tot}")
    ws[f"B{tot}"] = "合  计"
    for j, col in enumerate("EFGHIJK"):
        if numeric_total:
            ws[f"{col}{tot}"] = _col_sum(HUBEI_ROWS, 2 + j)
        else:
            ws[f"{col}{tot}"] = f"=SUM({col}{first}:{col}{spacer})"
    _box(ws, f"B{tot}:K{tot}", HEAD)
    _box(ws, f"M{tot}:M{tot}")

    note = tot + 1
    ws.merge_cells(f"B{note}:M{note}")
    ws[f"B{note}"] = "注：参与人次含“湖北质监”微信公众号有奖答题参与人数；媒体报道中省级以上媒体23篇。"
    ws[f"B{note}"].font = Font(name="宋体", size=10)
    ws[f"B{note}"].alignment = LEFT
    # blank spacer row, then footer
    foot = note + 2
    ws[f"B{foot}"] = "填表人：刘晓敏"
    ws[f"G{foot}"] = "联系电话：027-87251604"
    ws[f"K{foot}"] = "审核人：周建华"
    for c in ("B", "G", "K"):
        ws[f"{c}{foot}"].font = BODY

    ws.freeze_panes = "D6"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = "4:5"

    name = "湖北省世界认可日活动统计表（数值版）.xlsx" if numeric_total else "湖北省世界认可日活动统计表.xlsx"
    wb.save(out / name)
    metrics = {m: _col_sum(HUBEI_ROWS, i) for m, i in zip(METRICS, (3, 4, 5, 6, 7))}
    notes = [
        "合计行写作 =SUM(E6:E24) 等公式，openpyxl 不写缓存值：不计算公式的读法看到空值；"
        "标注值为公式的求和结果（与数值版一致）。"
        if not numeric_total
        else "与公式版内容相同，合计行为手填数值。",
        "填报日期 2018年7月13日 是文件自身日期，不是活动日期。",
        "武汉市（副省级城市，本身在名单上）作为湖北省的一行出现；发送方仍是湖北省，"
        "武汉市的数字计入湖北省合计，武汉市若另报总结会重复。",
        "“6月8日—9日”“6月7日至9日”为区间，activity_dates 只列区间两端；“6月上旬”不给日期；“6.9”即6月9日。",
        "“参与单位”下分“检验检测认证机构（家）”和“企业（家）”：institutions 只取前者，企业不计入任何指标。",
        "注释行的“省级以上媒体23篇”是媒体报道的一部分，不是总数。",
        "场次不是五项指标之一。",
        "合计行写作“合  计”（中间两个空格），跨 B:D 合并。",
        "潜江市发放资料、天门市媒体报道为空格，按0计入合计。",
    ]
    label = {
        "file": name,
        "submitter": "湖北省",
        "submitter_kind": "province",
        "sender_as_written": "湖北省质量技术监督局",
        "doc_kind": "summary",
        "document_date": "2018-07-13",
        "activity_dates": ["2018-06-07", "2018-06-08", "2018-06-09", "2018-06-11"],
        "metrics": metrics,
        "metrics_approximate": [],
        "notes": notes,
    }
    return name, label


# --------------------------------------------------------------------------
# 2. 陕西省 — 活动明细 + 汇总, hidden 数据源 sheet with drop-down lists
# --------------------------------------------------------------------------
# 活动名称, 时间, 地市, 地点, 活动类型, 参与人次, 发放资料, 媒体报道, 接受咨询, 参与机构, 备注
SHAANXI_ROWS = [
    (
        "陕西省2018年“世界认可日”主题宣传活动启动仪式",
        "6月8日",
        "西安市",
        "西安市南门广场",
        "主题仪式",
        1200,
        5000,
        12,
        380,
        26,
        "省局与西安市质监局联合举办",
    ),
    (
        "国务院3号文件宣贯培训会",
        "6月7日",
        "省局",
        "省质监局培训中心",
        "培训宣贯",
        180,
        400,
        3,
        None,
        45,
        "全省认证检验检测机构负责人参加",
    ),
    ("检验检测实验室开放日", "6月9日", "西安市", "陕西省产品质量监督检验研究院", "开放体验", 260, 800, 4, 60, 1, ""),
    ("认证认可知识进社区", "6月9日", "宝鸡市", "渭滨区经二路社区", "走进基层", 450, 1800, 2, 150, 8, ""),
    ("小微企业认证帮扶进园区", "6月11日", "咸阳市", "咸阳高新区", "公益服务", 150, 600, 1, 40, 5, "帮扶企业32家"),
    (
        "“世界认可日”网上有奖答题",
        "6月5日至6月15日",
        "省局",
        "“陕西质监”微信公众号",
        "知识竞赛",
        3100,
        None,
        1,
        None,
        None,
        "线上参与",
    ),
    ("认证认可服务质量提升座谈会", "6月12日", "汉中市", "汉中市质监局", "研讨交流", 85, 300, 2, 30, 6, ""),
    ("有机产品认证宣传", "6月上旬", "延安市", "宝塔区农贸市场", "宣传推广", 300, 1200, 1, 90, 3, ""),
    ("认证认可宣传咨询", "6月9日", "榆林市", "榆林市世纪广场", "公益服务", 320, 1000, 2, 110, 4, ""),
    (
        "强制性产品认证专项检查",
        "6月6日—8日",
        "渭南市",
        "渭南市辖区商场",
        "监督检查",
        None,
        None,
        None,
        None,
        None,
        "检查经营单位23家，出动执法人员46人次",
    ),
]
TYPES = [
    "宣传推广",
    "培训宣贯",
    "研讨交流",
    "公益服务",
    "开放体验",
    "走进基层",
    "媒体传播",
    "知识竞赛",
    "监督检查",
    "主题仪式",
]
CITIES = [
    "省局",
    "西安市",
    "宝鸡市",
    "咸阳市",
    "铜川市",
    "渭南市",
    "延安市",
    "榆林市",
    "汉中市",
    "安康市",
    "商洛市",
    "杨凌示范区",
]


def shaanxi(out: Path) -> tuple[str, dict]:
    wb = Workbook()
    _props(wb, "sxzj-rzc")
    ws = wb.active
    ws.title = "活动明细"
    ws.merge_cells("A1:L1")
    ws["A1"] = "陕西省2018年“世界认可日”活动明细表"
    ws["A1"].font = TITLE
    ws["A1"].alignment = CENTER
    ws.row_dimensions[1].height = 32
    heads = [
        "序号",
        "活动名称",
        "时间",
        "地市",
        "地点",
        "活动类型",
        "参与人次",
        "发放资料（份）",
        "媒体报道（篇）",
        "接受咨询（人次）",
        "参与机构（家）",
        "备注",
    ]
    for j, h in enumerate(heads, 1):
        ws.cell(3, j, h)
    _box(ws, "A3:L3", HEAD)
    for i, row in enumerate(SHAANXI_ROWS):
        r = 4 + i
        ws.cell(r, 1, i + 1)
        for j, v in enumerate(row):
            ws.cell(r, 2 + j, v)
        _box(ws, f"A{r}:L{r}")
        ws[f"B{r}"].alignment = LEFT
        ws[f"L{r}"].alignment = LEFT
    last = 3 + len(SHAANXI_ROWS)
    for col, w in zip("ABCDEFGHIJKL", [6, 34, 15, 10, 24, 11, 10, 12, 12, 13, 12, 26]):
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "C4"

    lists = wb.create_sheet("数据源")
    lists["A1"] = "活动类型"
    lists["B1"] = "地市"
    for i, t in enumerate(TYPES, 2):
        lists.cell(i, 1, t)
    for i, c in enumerate(CITIES, 2):
        lists.cell(i, 2, c)
    lists.sheet_state = "hidden"
    dv_type = DataValidation(type="list", allow_blank=True, formula1=f"'数据源'!$A$2:$A${len(TYPES) + 1}")
    dv_city = DataValidation(type="list", allow_blank=True, formula1=f"'数据源'!$B$2:$B${len(CITIES) + 1}")
    ws.add_data_validation(dv_type)
    ws.add_data_validation(dv_city)
    dv_type.add(f"F4:F{last + 20}")
    dv_city.add(f"D4:D{last + 20}")

    sm = wb.create_sheet("汇总", 1)  # visible order: 活动明细, 汇总, (hidden) 数据源
    sm.merge_cells("A1:D1")
    sm["A1"] = "陕西省2018年“世界认可日”活动情况汇总表"
    sm["A1"].font = TITLE
    sm["A1"].alignment = CENTER
    sm.merge_cells("A2:D2")
    sm["A2"] = "报送单位：陕西省质量技术监督局        2018年7月12日"
    sm["A2"].font = BODY
    totals = {m: sum(r[5 + k] or 0 for r in SHAANXI_ROWS) for k, m in enumerate(METRICS)}
    srows = [
        ("序号", "项目", "数量", "单位"),
        (1, "组织活动", len(SHAANXI_ROWS), "场"),
        (2, "参与人数", totals["participants"], "人次"),
        (3, "发放宣传资料", totals["materials"], "份"),
        (4, "媒体报道", totals["media_reports"], "篇"),
        (5, "接受咨询", totals["consultations"], "人次"),
        (6, "参与检验检测认证机构", totals["institutions"], "家"),
        (7, "出动工作人员", 135, "人次"),
        (8, "帮扶企业", 32, "家"),
    ]
    for i, row in enumerate(srows, 4):
        for j, v in enumerate(row, 1):
            sm.cell(i, j, v)
    _box(sm, "A4:D4", HEAD)
    _box(sm, f"A5:D{3 + len(srows)}")
    for col, w in zip("ABCD", [6, 26, 12, 8]):
        sm.column_dimensions[col].width = w
    sm[f"A{5 + len(srows)}"] = "填表人：王蕾    联系电话：029-85220917"

    name = "陕西省2018年世界认可日活动情况统计.xlsx"
    wb.active = 0
    wb.save(out / name)
    label = {
        "file": name,
        "submitter": "陕西省",
        "submitter_kind": "province",
        "sender_as_written": "陕西省质量技术监督局",
        "doc_kind": "summary",
        "document_date": "2018-07-12",
        "activity_dates": [
            "2018-06-05",
            "2018-06-06",
            "2018-06-07",
            "2018-06-08",
            "2018-06-09",
            "2018-06-11",
            "2018-06-12",
            "2018-06-15",
        ],
        "metrics": totals,
        "metrics_approximate": [],
        "notes": [
            "汇总页的数字是 stated totals；它们等于活动明细各列之和。",
            "隐藏工作表“数据源”只放下拉列表（活动类型、地市），不是数据。",
            "参与机构按活动逐场相加（45+26+…），同一机构参加多场会被重复计数；"
            f"汇总页照此写 {totals['institutions']} 家，读者可能认为实际机构数更少。",
            "“出动工作人员135人次”“帮扶企业32家”不是任何指标。",
            "西安市（副省级城市，本身在名单上）只作为地市列出现，发送方是陕西省。",
            "“6月5日至6月15日”“6月6日—8日”为区间，activity_dates 只列两端；“6月上旬”无日期。",
            "渭南市专项检查一行数字全空（执法检查，企业数不是指标）。",
            "文件有“活动类型”列，是填报人自选的分类，不一定与读者的分类一致。",
        ],
    }
    return name, label


# --------------------------------------------------------------------------
# 3. 深圳市 — thousands separators, "200余"/"约300" text, real Excel dates
# --------------------------------------------------------------------------
# 日期(date or text), 活动名称, 地点, 参与人次, 发放资料, 媒体报道, 接受咨询, 参与机构
SZ_ROWS = [
    (
        dt.date(2018, 6, 8),
        "“世界认可日”主题宣传暨检验检测机构开放周启动仪式",
        "福田区市民中心广场",
        "约300",
        2500,
        8,
        "200余",
        32,
    ),
    (dt.date(2018, 6, 9), "认证认可知识进社区", "南山区蛇口街道", 450, 1200, 2, 160, 6),
    (dt.date(2018, 6, 9), "强制性产品认证知识进商场", "罗湖区东门步行街", 1350, 3000, 3, 420, 5),
    (dt.date(2018, 6, 12), "认证认可服务粤港澳大湾区发展研讨会", "前海深港青年梦工场", 120, 200, 5, 0, 28),
    ("6月11日-15日", "检验检测实验室开放周", "宝安区、龙华区各检测机构", 1860, 4100, 4, 310, 15),
    (dt.date(2018, 6, 6), "小微企业质量管理体系认证帮扶进企业", "龙岗区宝龙工业城", 95, 500, 1, 65, 4),
    (dt.date(2018, 6, 9), "“世界认可日”微信有奖答题", "“深圳市场监管”微信公众号", 12600, 0, 1, 0, 0),
]


def _lower(v) -> int:
    if isinstance(v, int):
        return v
    return int(str(v).replace("约", "").replace("余", "").replace(",", ""))


def shenzhen(out: Path) -> tuple[str, dict]:
    wb = Workbook()
    _props(wb, "szscjg")
    ws = wb.active
    ws.title = "统计表"
    ws.merge_cells("A1:I1")
    ws["A1"] = "深圳市2018年世界认可日活动情况统计表"
    ws["A1"].font = TITLE
    ws["A1"].alignment = CENTER
    ws.merge_cells("A2:E2")
    ws["A2"] = "填报单位：深圳市市场和质量监督管理委员会"
    ws["F2"] = "填报日期："
    ws["F2"].alignment = Alignment(horizontal="right")
    ws.merge_cells("G2:I2")
    ws["G2"] = dt.date(2018, 7, 10)
    ws["G2"].number_format = 'yyyy"年"m"月"d"日"'
    for c in ("A2", "F2", "G2"):
        ws[c].font = BODY
    heads = [
        "序号",
        "活动日期",
        "活动名称",
        "地点",
        "参与人次",
        "发放资料（份）",
        "媒体报道（篇）",
        "接受咨询（人次）",
        "参与机构（家）",
    ]
    for j, h in enumerate(heads, 1):
        ws.cell(4, j, h)
    _box(ws, "A4:I4", HEAD)
    for i, row in enumerate(SZ_ROWS):
        r = 5 + i
        ws.cell(r, 1, i + 1)
        for j, v in enumerate(row):
            c = ws.cell(r, 2 + j, v)
        _box(ws, f"A{r}:I{r}")
        if isinstance(row[0], dt.date):
            ws.cell(r, 2).number_format = "yyyy/m/d"
        for col in "EFGHI":
            if isinstance(ws[f"{col}{r}"].value, int):
                ws[f"{col}{r}"].number_format = "#,##0"
        ws[f"C{r}"].alignment = LEFT
    last = 4 + len(SZ_ROWS)
    tot = last + 1
    ws.merge_cells(f"A{tot}:D{tot}")
    ws[f"A{tot}"] = "合计"
    sums = {}
    approx = []
    for k, (m, col) in enumerate(zip(METRICS, "EFGHI")):
        vals = [row[3 + k] for row in SZ_ROWS]
        s = sum(_lower(v) for v in vals)
        sums[m] = s
        if any(isinstance(v, str) for v in vals):
            approx.append(m)
            prefix = "约" if any(str(v).startswith("约") for v in vals) else ""
            suffix = "" if prefix else "余"
            ws[f"{col}{tot}"] = f"{prefix}{s:,}{suffix}"
        else:
            ws[f"{col}{tot}"] = s
            ws[f"{col}{tot}"].number_format = "#,##0"
    _box(ws, f"A{tot}:I{tot}", HEAD)
    ws[f"A{tot + 2}"] = "联系人：陈思远            联系电话：0755-83070215"
    for col, w in zip("ABCDEFGHI", [6, 12, 40, 26, 11, 13, 13, 14, 13]):
        ws.column_dimensions[col].width = w
    wb.create_sheet("Sheet2")  # the empty default sheet clerks leave behind

    name = "深圳市2018年世界认可日活动情况统计表.xlsx"
    wb.save(out / name)
    label = {
        "file": name,
        "submitter": "深圳市",
        "submitter_kind": "sub_provincial_city",
        "sender_as_written": "深圳市市场和质量监督管理委员会",
        "doc_kind": "summary",
        "document_date": "2018-07-10",
        "activity_dates": ["2018-06-06", "2018-06-08", "2018-06-09", "2018-06-11", "2018-06-12", "2018-06-15"],
        "metrics": sums,
        "metrics_approximate": approx,
        "notes": [
            "活动日期列多数是真正的 Excel 日期（格式 yyyy/m/d），一格是文本“6月11日-15日”（区间，只列两端）。",
            "填报日期 G2 也是 Excel 日期（显示为2018年7月10日），是文件日期，不是活动日期。",
            "数字单元格带千分位格式（#,##0），值本身是整数；“约300”“200余”是文本。",
            f"合计行中参与人次写作文本“约{sums['participants']:,}”、接受咨询写作“{sums['consultations']:,}余”，"
            "是下限加总，记为近似；其余合计为数字。",
            "参与人次含微信有奖答题12,600人次，占大头；有人可能只数线下人数。",
            "深圳市在广东省境内，但本表由深圳市市场和质量监督管理委员会填报，发送方为深圳市（计划单列市）。",
            "工作簿另有空白 Sheet2。",
        ],
    }
    return name, label


# --------------------------------------------------------------------------
# 4. 示范区 — a one-row sheet sent instead of a written summary
# --------------------------------------------------------------------------
DEMO_NAME = "无锡市锡山区国家检验检测认证公共服务平台示范区建设办公室"


def demo_zone(out: Path) -> tuple[str, dict]:
    wb = Workbook()
    _props(wb, "Administrator")
    ws = wb.active
    ws.title = "Sheet1"  # the default name, never renamed
    ws.merge_cells("A1:K1")
    ws["A1"] = "国家检验检测认证公共服务平台示范区2018年“世界认可日”活动情况表"
    ws["A1"].font = Font(name="黑体", size=14)
    ws["A1"].alignment = CENTER
    heads = [
        "单位名称",
        "活动时间",
        "活动形式",
        "参与人次",
        "发放资料（份）",
        "媒体报道（篇）",
        "接受咨询（人次）",
        "参与机构（家）",
        "服务企业（家）",
        "联系人",
        "联系电话",
    ]
    vals = [
        DEMO_NAME,
        "2018.6.8",
        "检验检测机构集中开放日、专家进企业服务、认证认可知识展板宣传",
        320,
        1500,
        6,
        85,
        14,
        40,
        "顾文斌",
        "0510-88206531",
    ]
    for j, (h, v) in enumerate(zip(heads, vals), 1):
        ws.cell(2, j, h)
        ws.cell(3, j, v)
    _box(ws, "A2:K2", HEAD)
    _box(ws, "A3:K3")
    ws["A3"].alignment = LEFT
    ws["C3"].alignment = LEFT
    for col, w in zip("ABCDEFGHIJK", [30, 11, 36, 9, 11, 11, 12, 11, 11, 8, 14]):
        ws.column_dimensions[col].width = w
    ws.row_dimensions[3].height = 48

    name = "锡山示范区世界认可日活动情况.xlsx"
    wb.save(out / name)
    label = {
        "file": name,
        "submitter": DEMO_NAME,
        "submitter_kind": "demo_zone",
        "sender_as_written": DEMO_NAME,
        "doc_kind": "summary",
        "document_date": None,
        "activity_dates": ["2018-06-08"],
        "metrics": {
            "participants": 320,
            "materials": 1500,
            "media_reports": 6,
            "consultations": 85,
            "institutions": 14,
        },
        "metrics_approximate": [],
        "notes": [
            "只有一行统计、没有文字总结；按“内容决定”它记录了已做的活动，定为 summary，"
            "也有人会因缺少正文而定为 other。",
            "示范区建设单位不在47家名单上，以其自称全名记录；名称是虚构的写法，"
            "示范区所在的无锡市、江苏省都不是发送方。",
            "“服务企业（家）40”不是任何指标。",
            "活动时间写作文本“2018.6.8”。",
            "志愿报送方：其数字不计入全国合计。",
        ],
    }
    return name, label


# --------------------------------------------------------------------------
# 5. 青岛市 — CSV saved by Excel on Chinese Windows (GBK, CRLF, no BOM)
# --------------------------------------------------------------------------
# 区（市）, 活动日期 (as Excel displays it), 场次, 参与人次, 发放资料, 媒体报道, 接受咨询, 参与机构, 备注
QD_ROWS = [
    ("市南区", "2018/6/9", 3, 1350, 2600, 4, 380, 9, "台东步行街、利群商厦"),
    ("市北区", "2018/6/9", 2, 620, 1500, 2, 190, 5, ""),
    ("黄岛区", "2018/6/8", 3, 880, 2000, 3, 260, 11, "含西海岸新区"),
    ("崂山区", "2018/6/7", 2, 410, 1200, 2, 120, 7, "检测机构开放日"),
    ("李沧区", "2018/6/9", 1, 300, 800, 1, 90, 3, ""),
    ("城阳区", "2018/6/11", 2, 450, 1000, 1, 140, 4, ""),
    ("即墨区", "6月上旬", 1, 260, 700, 1, 80, 2, ""),
    ("胶州市", "2018/6/9", 1, 280, 900, 1, 95, 3, ""),
    ("平度市", "2018/6/9", 1, 210, 600, 0, 60, 2, ""),
    ("莱西市", "2018/6/8", 1, 190, 500, 1, 55, 1, ""),
    ("市局机关", "2018/6/8", 2, 1200, 3500, 6, 300, 18, "启动仪式暨国务院3号文件宣贯会"),
]


def _csv_field(v) -> str:
    if v is None:
        return ""
    if isinstance(v, int):
        # Excel writes what the cell shows: #,##0 numbers of 1,000+ come out quoted.
        return f'"{v:,}"' if v >= 1000 else str(v)
    s = str(v)
    if any(ch in s for ch in ',"\r\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def qingdao(out: Path) -> tuple[str, dict]:
    width = 11  # A..K; K is an empty column that still belongs to the used range
    lines: list[list] = []
    pad = lambda cells: list(cells) + [None] * (width - len(cells))  # noqa: E731
    lines.append(pad(["2018年世界认可日活动情况统计表"]))
    lines.append(pad(["填报单位：青岛市质量技术监督局", None, None, None, None, None, None, "填报日期：2018年7月14日"]))
    lines.append(pad([]))
    lines.append(
        pad(["序号", "区（市）", "活动日期", "活动情况", None, "宣传情况", None, None, "参与机构（家）", "备注"])
    )
    lines.append(pad([None, None, None, "场次", "参与人次", "发放资料（份）", "媒体报道（篇）", "接受咨询（人次）"]))
    for i, row in enumerate(QD_ROWS, 1):
        lines.append(pad([i, *row]))
    sums = [sum(r[k] for r in QD_ROWS) for k in range(2, 8)]
    lines.append(pad(["合计", None, None, *sums]))
    lines.append(pad([]))
    lines.append(pad(["填表人：孙晓彤", None, None, None, "联系电话：0532-85911726"]))
    text = "".join(",".join(_csv_field(v) for v in ln) + "\r\n" for ln in lines)
    name = "青岛市2018年世界认可日活动统计表.csv"
    (out / name).write_bytes(text.encode("gbk"))
    metrics = dict(zip(METRICS, sums[1:]))
    label = {
        "file": name,
        "submitter": "青岛市",
        "submitter_kind": "sub_provincial_city",
        "sender_as_written": "青岛市质量技术监督局",
        "doc_kind": "summary",
        "document_date": "2018-07-14",
        "activity_dates": ["2018-06-07", "2018-06-08", "2018-06-09", "2018-06-11"],
        "metrics": metrics,
        "metrics_approximate": [],
        "notes": [
            "GBK（cp936）编码、CRLF 行尾、无 BOM，逗号分隔；按 UTF-8 读会失败或乱码。",
            "两级表头被拆成两行：第4行“活动情况”“宣传情况”，第5行才是场次、参与人次等；"
            "“参与机构（家）”“备注”只在第4行。",
            '1,000 以上的数字按显示格式带千分位并加引号（"1,350"），需去掉逗号。',
            "每行尾部有空字段（K 列是空列）。",
            "青岛市位于山东省，但由青岛市质量技术监督局填报，发送方是青岛市（计划单列市），不是山东省。",
            "“即墨区 6月上旬”不给日期；日期列是 Excel 显示的 2018/6/9 形式。",
            "场次不是指标。",
        ],
    }
    return name, label


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    labels = [
        hubei(out, numeric_total=False)[1],
        hubei(out, numeric_total=True)[1],
        shaanxi(out)[1],
        shenzhen(out)[1],
        demo_zone(out)[1],
        qingdao(out)[1],
    ]
    if len(argv) > 2:
        Path(argv[2]).write_text(json.dumps(labels, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for lb in labels:
        print(lb["file"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
