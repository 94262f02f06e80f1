"""The 催报 notice (reminder.docx and .md, a draft): who still owes a plan or a summary.

Only required senders who owe something are named. A kind is asked for once it is due next
or overdue: before the plan deadline only plans; after it, late plans and the summaries still
to come; a plan no longer from a sender whose summary has come. The contacts, titles and wording are campaign data (`[documents]`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from pipeline.campaign import Campaign
from pipeline.model import Record
from pipeline.outputs.gbdoc import Para, cn_date, write_document
from pipeline.records.submissions import KIND_NAMES, KINDS, Owed, owed, submissions

REMINDER_DOCX = "reminder.docx"
REMINDER_MD = "reminder.md"


def write_reminder(effective: Sequence[Record], campaign: Campaign, out_dir: Path, run_date: date) -> tuple[Path, Path]:
    paras = reminder_paragraphs(effective, campaign, run_date)
    docx_path, md_path = out_dir / REMINDER_DOCX, out_dir / REMINDER_MD
    write_document(paras, docx_path, md_path)
    return docx_path, md_path


def asked_for(campaign: Campaign, effective: Sequence[Record], run_date: date) -> list[Owed]:
    """What the notice asks for: each kind once the deadline before it has passed; no plan
    from a sender whose summary has come (the activities it would plan are over)."""
    deadlines = sorted((d, k) for k, d in campaign.deadlines.items() if k in KINDS)
    open_kinds = {k for n, (_, k) in enumerate(deadlines) if n == 0 or run_date > deadlines[n - 1][0]}
    subs = submissions(effective, campaign)
    summarised = {s.sender for s in subs if s.summary}
    return [
        o
        for o in owed(subs, campaign, run_date)
        if o.kind in open_kinds and not (o.kind == "plan" and o.sender in summarised)
    ]


def reminder_paragraphs(effective: Sequence[Record], campaign: Campaign, run_date: date) -> list[Para]:
    docs = campaign.documents
    owing = asked_for(campaign, effective, run_date)
    senders = list(dict.fromkeys(o.sender for o in owing))
    order = {r.name: n for n, r in enumerate(campaign.roster)}
    senders.sort(key=lambda s: order.get(s, len(order)))
    due = "、".join(
        f"{d.month}月{d.day}日前报送{KIND_NAMES[k]}"
        for k, d in sorted(campaign.deadlines.items(), key=lambda kv: kv[1])
        if k in KINDS
    )
    paras = [Para("title", docs.reminder_title)]
    today = cn_date(run_date)
    if not senders:
        paras.append(
            Para("body", f"根据《{docs.notice}》要求，各单位应于{due}。截至{today}，应报材料均已收到，无需催报。")
        )
    else:
        paras.append(Para("plain", docs.reminder_addressee.format(senders="、".join(senders))))
        paras.append(
            Para(
                "body",
                f"根据《{docs.notice}》要求，各单位应于{due}。截至{today}，以下{len(senders)}家单位尚有材料未报送：",
            )
        )
        for n, sender in enumerate(senders, start=1):
            items = "、".join(_owed_text(o) for o in owing if o.sender == sender)
            paras.append(Para("body", f"{n}. {sender}：{items}。"))
        mail = next((c.email for c in docs.contacts if c.email), "")
        where = f"通过电子邮件报送至{mail.split('、')[0]}" if mail else "报送"
        paras.append(Para("body", f"请上述单位抓紧{where}。已报送的单位不必回复；如已报送，请告知报送时间以便核对。"))
    for contact in docs.contacts:
        lines = [f"联系人：{contact.unit} {contact.people}".rstrip()]
        lines += [
            f"{label}：{value}"
            for label, value in (("电话", contact.phone), ("传真", contact.fax), ("邮箱", contact.email))
            if value
        ]
        paras.append(Para("plain", "　".join(lines)))
    paras += [Para("signature", docs.office), Para("date", today)]
    return paras


def _owed_text(o: Owed) -> str:
    if o.overdue_days:
        return f"{KIND_NAMES[o.kind]}（已逾期{o.overdue_days}天）"
    return f"{KIND_NAMES[o.kind]}（截止{o.deadline.month}月{o.deadline.day}日）"
