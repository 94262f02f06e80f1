"""digest.xlsx: the workbook reviewers work in all week (pandas for the sums, openpyxl for the rest).

Sheets (names are a contract): 总览, 报送情况, 文件清单, 活动明细, 亮点与数据, 典型案例, 问题文件.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline.campaign import Campaign
from pipeline.model import STATUS_WORDS, Record, Status
from pipeline.outputs.sheets import LATE_FILL, MISSING_FILL, Column, finish, fit_to_page_width, write_table
from pipeline.records.reviews import (
    BASELINE_SHEET,
    KEY_HEADER,
    KIND_LABELS,
    KIND_WORDS,
    RECOMMEND,
    REVIEW_COLUMNS,
    VERDICTS,
)
from pipeline.records.score import METRIC_LABELS, PART_NAMES, Case
from pipeline.records.submissions import KIND_NAMES, KINDS, Submission, arrival_time, owed, submissions

DIGEST_FILE = "digest.xlsx"
SHEETS = ("总览", "报送情况", "文件清单", "活动明细", "亮点与数据", "典型案例", "问题文件")
KIND_OF_SENDER = {
    "regulator": "必报单位",
    "demo_zone": "示范区建设单位",
    "institution": "从业机构",
    "unknown": "其他/未识别",
}
REVIEW_COLS = [Column(h, review=True, width=14 if h != "审核意见" else 30) for h in REVIEW_COLUMNS]
KEY_COL = Column(KEY_HEADER, hidden=True, width=10)
COUNTED = (Status.OK, Status.SUPERSEDED)


@dataclass
class DigestInput:
    records: Sequence[Record]  # as extracted, each with its review
    effective: Sequence[Record]  # the same records with reviewers' corrections applied
    cases: Sequence[Case]  # ranked summaries
    campaign: Campaign
    run_time: datetime
    inbox: Path


def write_digest(data: DigestInput, target: Path) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name in SHEETS:
        wb.create_sheet(name)
    tz = ZoneInfo(data.campaign.timezone)
    frame = _frame(data, tz)
    subs = submissions(data.effective, data.campaign)  # 报送情况, read once for the two sheets
    _submissions(wb["报送情况"], data, subs)
    _files(wb["文件清单"], data, tz, target.parent)
    _activities(wb["活动明细"], data)
    _highlights(wb["亮点与数据"], data)
    _cases(wb["典型案例"], data)
    _problems(wb["问题文件"], data)
    _overview(wb["总览"], data, frame, subs)
    _baseline(wb.create_sheet(BASELINE_SHEET), data)
    wb.save(target)
    return target


def _baseline(ws, data: DigestInput) -> None:
    """The review values as this workbook was written, hidden: a reviewer's edit is a cell that
    differs from them, even when the ledger has moved on (a run that died after saving the
    reviews but before rewriting the digest) and the two review sheets disagree."""
    ws.sheet_state = "veryHidden"
    written = {rec.sha256: _review_values(rec) for rec in data.records if rec.sha256}
    # A file missing here was written with empty review cells, as harvest reads it.
    rows = [[*values, sha] for sha, values in written.items() if any(v not in (None, "") for v in values)]
    write_table(ws, [*REVIEW_COLS, KEY_COL], rows)


def _frame(data: DigestInput, tz: ZoneInfo) -> pd.DataFrame:
    rows = [
        {
            "file": r.file,
            "status": str(r.status),
            "submitter": r.submitter,
            "kind": r.submitter_kind,
            "doc_kind": r.doc_kind,
            "arrived": arrival_time(r, tz),
            "types": r.activity_types,
        }
        for r in data.effective
    ]
    frame = pd.DataFrame(rows, columns=["file", "status", "submitter", "kind", "doc_kind", "arrived", "types"])
    frame["arrived"] = pd.to_datetime(frame["arrived"])  # a datetime column even when empty
    return frame


def _submissions(ws, data: DigestInput, subs: list[Submission]) -> None:
    c = data.campaign
    columns = [
        Column("报送单位", width=24),
        Column("单位类别"),
        Column("是否必报"),
        Column("方案已收到"),
        Column("方案收到时间", "datetime", 17),
        Column("方案按时"),
        Column("方案逾期天数", "int"),
        Column("总结已收到"),
        Column("总结收到时间", "datetime", 17),
        Column("总结按时"),
        Column("总结逾期天数", "int"),
    ]
    rows, marks = [], []
    for sub in subs:
        row = [sub.sender, KIND_OF_SENDER.get(sub.kind, ""), "是" if sub.required else "否"]
        for kind in KINDS:
            got = sub.of(kind)
            late = got.late_days if got else 0
            row += [
                "是" if got else "否",
                got.when if got else None,
                ("否" if late else "是") if got else "",
                late or None,
            ]
            marks.append((len(rows), kind, "missing" if sub.required and not got else "late" if late else ""))
        rows.append(row)
    owed_lines = []
    for o in owed(subs, c, data.run_time.date()):
        note = f"已逾期{o.overdue_days}天" if o.overdue_days else f"截止{o.deadline.month}月{o.deadline.day}日"
        owed_lines.append((o.sender, f"{o.sender}：{KIND_NAMES[o.kind]}（{note}）"))
    order = {s.sender: n for n, s in enumerate(subs)}
    owing = [line for _, line in sorted(owed_lines, key=lambda x: order[x[0]])]  # a sender's plan, then its summary
    ref = write_table(ws, columns, rows)
    for r, kind, mark in marks:
        if mark:
            first_col = 4 if kind == "plan" else 8
            for col in range(first_col, first_col + 4):
                ws.cell(row=r + 2, column=col).fill = MISSING_FILL if mark == "missing" else LATE_FILL
    finish(ws, ref)
    start = len(rows) + 3
    ws.cell(row=start, column=1, value="催报名单（可直接复制到催报通知）").font = Font(bold=True)
    for i, line in enumerate(owing or ["暂无需要催报的单位"], start=start + 1):
        ws.cell(row=i, column=1, value=line)


def _link(record: Record, inbox: Path, out_dir: Path) -> tuple[str, str | None]:
    """A hyperlink that opens the source file; zip members open their archive."""
    path = record.file
    parts = path.split("/")
    for i, part in enumerate(parts):
        if part.lower().endswith(".zip") and i < len(parts) - 1:
            path = "/".join(parts[: i + 1])
            break
    source = inbox / path
    try:
        target = os.path.relpath(source, out_dir)
    except ValueError:  # another drive on Windows
        target = source.as_uri()
    return record.file, target.replace(os.sep, "/")


def _review_values(record: Record) -> list[str]:
    review = record.review or {}
    values = [review.get(field, "") for field in REVIEW_COLUMNS.values()]
    return values


def _add_review_validation(ws, columns: list[Column], rows: int) -> None:
    names = [c.name for c in columns]
    for header, options in (("审核结论", VERDICTS), ("是否推荐", RECOMMEND), ("更正文件类型", tuple(KIND_WORDS))):
        col = names.index(header) + 1
        letter = ws.cell(row=1, column=col).column_letter
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(options) + '"',
            allow_blank=True,
            errorTitle="请从列表中选择",
            error=f"可选：{'、'.join(options)}",
        )
        dv.add(f"{letter}2:{letter}{max(rows + 1, 2) + 200}")
        ws.add_data_validation(dv)


def _files(ws, data: DigestInput, tz: ZoneInfo, out_dir: Path) -> None:
    columns = [
        Column("文件", "link", 40),
        Column("状态", width=14),
        Column("格式"),
        Column("报送单位", width=22),
        Column("单位类别"),
        Column("单位依据", width=12),
        Column("单位可信度", "float", 10, number_format="0.00"),
        Column("文件类型"),
        Column("落款日期", "date", 12),
        Column("收到时间", "datetime", 17),
        Column("发件人", width=24),
        Column("邮件主题", width=30),
        Column("活动类型", width=30),
        Column("活动日期", width=24),
        Column("页数", "int"),
        Column("字数", "int"),
        Column("表格", "int"),
        Column("图片", "int"),
        Column("识别方式", width=22),
        Column("问题说明", width=40),
        Column("重复/替代", width=30),
        *REVIEW_COLS,
        KEY_COL,
    ]
    effective = {r.file: r for r in data.effective}
    rows = []
    for rec in data.records:
        eff = effective.get(rec.file, rec)
        rows.append(
            [
                _link(rec, data.inbox, out_dir),
                STATUS_WORDS.get(str(rec.status), str(rec.status)),
                rec.format,
                eff.submitter,
                KIND_OF_SENDER.get(eff.submitter_kind or "", ""),
                *_sender_basis(rec, eff),
                KIND_LABELS.get(eff.doc_kind or "", ""),
                date.fromisoformat(eff.doc_date) if eff.doc_date else None,
                arrival_time(rec, tz),
                (rec.mail or {}).get("from"),
                (rec.mail or {}).get("subject"),
                "、".join(eff.activity_types),
                "、".join(d[5:].replace("-", "/") for d in rec.activity_dates),
                rec.pages,
                rec.chars or None,
                rec.tables or None,
                rec.images or None,
                _reading(rec),
                rec.error,
                rec.duplicate_of
                and f"与 {rec.duplicate_of} 相同"
                or rec.superseded_by
                and f"由 {rec.superseded_by} 替代",
                *_review_values(rec),
                rec.sha256,
            ]
        )
    ref = write_table(ws, columns, rows)
    _add_review_validation(ws, columns, len(rows))
    finish(ws, ref)


def _sender_basis(record: Record, effective: Record) -> tuple[str | None, float | None]:
    """Where the sender came from and how sure: a reviewer's correction is sure."""
    if (record.review or {}).get("submitter"):
        return "审核更正", 1.0
    return record.submitter_source, record.submitter_confidence


def needs_sender_check(record: Record, campaign: Campaign) -> bool:
    """A sender decided from the file name alone or linked to the roster by a weak match."""
    if (record.review or {}).get("submitter") or not record.submitter:
        return False
    weak = record.submitter_confidence is not None and record.submitter_confidence < campaign.sender_check_below
    return weak or record.submitter_source == "文件名"


def _reading(record: Record) -> str | None:
    """Scans read by OCR are marked, so a reviewer checks their numbers against the picture."""
    if record.ocr:
        confidence = f"（置信度{record.ocr_confidence:.2f}）" if record.ocr_confidence is not None else ""
        return f"扫描件识别{confidence}"
    return None


def _activities(ws, data: DigestInput) -> None:
    columns = [
        Column("报送单位", width=22),
        Column("文件", width=36),
        Column("活动类型"),
        Column("日期", "date", 12),
        Column("地点", width=18),
        Column("依据原文", width=60),
        Column("位置", width=16),
    ]
    rows = []
    for rec in data.effective:
        if rec.status != Status.OK:
            continue
        for a in rec.activities:
            rows.append(
                [
                    rec.submitter,
                    rec.file,
                    a["type"],
                    date.fromisoformat(a["date"]) if a.get("date") else None,
                    a.get("place"),
                    a["evidence"],
                    a["location"],
                ]
            )
    finish(ws, write_table(ws, columns, rows))


def _highlights(ws, data: DigestInput) -> None:
    metric_cols = [Column(f"{label}（{unit}）", "int", 14) for label, unit in METRIC_LABELS.values()]
    columns = [
        Column("报送单位", width=22),
        Column("文件类型"),
        *metric_cols,
        Column("亮点一", width=50),
        Column("亮点二", width=50),
        Column("亮点三", width=50),
        Column("文件", width=36),
        Column("数据来源", width=24),
    ]
    rows, approx_cells = [], []
    for rec in data.effective:
        if rec.status != Status.OK or not (rec.metrics or rec.highlights):
            continue
        values = [rec.metrics.get(name) for name in METRIC_LABELS]
        highlights = [h["text"] for h in rec.highlights[:3]] + [None] * (3 - len(rec.highlights[:3]))
        source = f"{_reading(rec)}，请对照原件核对数字" if rec.ocr else "文字版"
        rows.append([rec.submitter, KIND_LABELS.get(rec.doc_kind or "", ""), *values, *highlights, rec.file, source])
        for i, name in enumerate(METRIC_LABELS):
            if name in rec.metrics_approximate:
                approx_cells.append((len(rows) + 1, 3 + i))
    ref = write_table(ws, columns, rows)
    for r, c in approx_cells:
        ws.cell(row=r, column=c).number_format = '#,##0"余"'  # still a number, read as "5000余"
    ws.cell(row=len(rows) + 3, column=1, value="注：带“余”的数字原文为约数（余、多、近、约、上）。")
    finish(ws, ref)


def _cases(ws, data: DigestInput) -> None:
    columns = [
        Column("排名", "int", 6),
        Column("报送单位", width=22),
        Column("得分", "float", 8, number_format="0.0"),
        *[Column(name, "float", 10, number_format="0.0") for name in PART_NAMES],
        Column("推荐理由", width=60),
        Column("文件", width=36),
        *REVIEW_COLS,
        KEY_COL,
    ]
    rows = []
    for rank, case in enumerate(data.cases, start=1):
        rec = case.record
        points = {p.name: p.points for p in case.parts}
        reasons = "；".join(case.reasons() + case.weaknesses())
        rows.append(
            [
                rank,
                rec.submitter,
                case.score,
                *[points.get(n, 0.0) for n in PART_NAMES],
                reasons,
                rec.file,
                *_review_values(rec),
                rec.sha256,
            ]
        )
    ref = write_table(ws, columns, rows)
    _add_review_validation(ws, columns, len(rows))
    finish(ws, ref)


_ACTIONS = {
    "failed": "按“问题说明”联系报送单位重新发送",
    "needs_ocr": "人工查看扫描件并录入要点，或请报送单位提供Word版本",
    "unsupported": "按“问题说明”处理；需要时请报送单位改发.docx或PDF",
}


def _problems(ws, data: DigestInput) -> None:
    columns = [
        Column("文件", width=40),
        Column("状态", width=14),
        Column("问题说明", width=60),
        Column("处理建议", width=40),
    ]
    rows = []
    for rec in data.effective:
        status = str(rec.status)
        if status in _ACTIONS:
            rows.append([rec.file, STATUS_WORDS[status], rec.error, _ACTIONS[status]])
            continue
        if rec.status != Status.OK:
            continue
        if not rec.submitter:
            rows.append(
                [
                    rec.file,
                    "报送单位未识别",
                    "未能从落款、标题、文号或文件名识别报送单位",
                    "在“文件清单”的“更正报送单位”列填写单位名称",
                ]
            )
        elif needs_sender_check(rec, data.campaign):
            rows.append(
                [
                    rec.file,
                    "请核实报送单位",
                    f"报送单位“{rec.submitter}”依据{rec.submitter_source}判断（可信度{rec.submitter_confidence:.2f}）",
                    "核对原件；如有误，在“文件清单”的“更正报送单位”列填写单位名称",
                ]
            )
        if rec.tables_unread:
            pages = "、".join(f"第{p}页" for p in rec.tables_unread)
            rows.append(
                [
                    rec.file,
                    "表格未能识别",
                    f"{pages}的表格（扫描件或照片）未能按行列识别，其中的数字未计入",
                    "对照原件查看表格，必要时请报送单位提供Word或Excel版本",
                ]
            )
    finish(ws, write_table(ws, columns, rows))


def _overview(ws, data: DigestInput, frame: pd.DataFrame, subs: list[Submission]) -> None:
    c = data.campaign
    counted = frame[frame.status.isin([s.value for s in COUNTED])]
    required = [x for x in subs if x.required]
    roster = {r.name for r in c.roster}
    problems = frame.status.isin(["failed", "needs_ocr", "unsupported"]).sum()
    facts = [
        ("活动", c.name),
        ("主题", c.theme),
        ("生成时间", data.run_time.replace(microsecond=0)),
        ("收到文件数", len(frame)),
        ("报送单位数", counted.submitter.dropna().nunique()),
        ("活动方案（份，不含被替代版本）", int(((frame.status == "ok") & (frame.doc_kind == "plan")).sum())),
        ("活动总结（份，不含被替代版本）", int(((frame.status == "ok") & (frame.doc_kind == "summary")).sum())),
        ("需要人工处理的文件", int(problems)),
        (f"必报单位已报方案（共{len(roster)}家）", sum(1 for x in required if x.plan)),
        (f"必报单位已报总结（共{len(roster)}家）", sum(1 for x in required if x.summary)),
    ]
    columns = [Column("项目", width=34), Column("数值", width=40)]
    write_table(ws, columns, [list(f) for f in facts])
    ws.freeze_panes = "A2"
    fit_to_page_width(ws)

    # Activity types across senders: how many senders reported each type.
    senders_by_type = (
        counted[counted.status == "ok"]
        .dropna(subset=["submitter"])
        .explode("types")
        .groupby("types")
        .submitter.nunique()
    )
    type_rows = [[t.name, int(senders_by_type.get(t.name, 0))] for t in c.activity_types]
    top = len(facts) + 3
    write_table(ws, [Column("活动类型", width=34), Column("开展单位数", "int", 40)], type_rows, start_row=top)
    chart = BarChart()
    chart.type = "bar"
    chart.title = "各类活动的开展单位数"
    chart.y_axis.title = "单位数"
    chart.add_data(Reference(ws, min_col=2, min_row=top, max_row=top + len(type_rows)), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=top + len(type_rows)))
    chart.height, chart.width = 9, 16
    ws.add_chart(chart, "E2")

    # Files received per day, with the deadlines marked.
    days = frame.dropna(subset=["arrived"]).arrived.dt.date.value_counts().sort_index()
    deadlines = set(c.deadlines.values())
    all_days = sorted(set(days.index) | deadlines)
    day_rows = [[d, int(days.get(d, 0)), "截止日" if d in deadlines else None] for d in all_days]
    top2 = top + len(type_rows) + 3
    write_table(
        ws,
        [Column("收到日期", "date", 34), Column("收到文件数", "int", 40), Column("备注", width=8)],
        day_rows,
        start_row=top2,
    )
    chart2 = BarChart()
    chart2.title = (
        "每日收到文件数（截止日：方案"
        + "，总结".join(f"{d.month}月{d.day}日" for d in (c.deadlines.get("plan"), c.deadlines.get("summary")) if d)
        + "）"
    )
    chart2.add_data(Reference(ws, min_col=2, min_row=top2, max_row=top2 + len(day_rows)), titles_from_data=True)
    chart2.set_categories(Reference(ws, min_col=1, min_row=top2 + 1, max_row=top2 + len(day_rows)))
    chart2.height, chart2.width = 9, 16
    ws.add_chart(chart2, "E22")
