"""Plan, summary or other: the content decides, not the title's genre word.

A 通知 that issues (印发) a plan is a plan; a 函 or 报告 that gives a full account of
what was done is a summary; a cover letter or notice with no activities of its own is other.
"""

from __future__ import annotations

import re

from pipeline.model import BlockKind, Document

_PLAN_TITLE = re.compile(r"方案|安排|计划|工作要点|部署")
_SUMMARY_TITLE = re.compile(r"总结|开展情况|活动情况|工作情况|情况的?报告|情况汇报|成效|综述")
_SUBJECT = re.compile(r"^主\s*题[：:]\s*(.+)")
_COVER_TITLE = re.compile(r"报送|呈报|上报|的函$|函$")
# Markers of a finished account vs. an intended one, counted over the whole text.
_DONE = re.compile(
    r"开展了|举办了|组织了|举行了|召开了|发放了|取得了|吸引了|共发放|累计|共计|合计|圆满|成效|"
    r"收到了|受到了|参与人数|到场|反响|好评|已于|期间，|活动中，|共接待|共接受|共有|达到了|覆盖|"
    r"据统计|据介绍|本报讯|通讯员|供稿|"
    r"\d+余(?:份|人|名|家|场|次|篇|条|件)"  # "900余份": a count of what was handed out, not a target
)  # a news report is an account of what happened
_INTENDED = re.compile(
    r"拟|将(?:于|在|组织|邀请|开展|举办|举行|召开|对|向|联合|通过|面向|集中|陆续|推出)|计划|预计|部署|届时|报名|欢迎|活动安排|时间安排|工作要求|组织领导|实施步骤|具体安排|"
    r"各单位要|要求各|有关要求|具体要求|确保|请各|负责(?!人)|职责分工|活动内容"
)  # 负责人 is a person, not a duty; a 新要求 explained at a stand is no instruction


def find_doc_kind(doc: Document, activity_count: int, skip: frozenset[int] | set[int] = frozenset()) -> tuple[str, str]:
    """Return (kind, reason); the reason is the words that decided it, for the evidence column.
    `skip`: blocks of a 简报's items about other work, whose tense says nothing of this paper."""
    title = " ".join(b.text for b in doc.blocks if b.kind in (BlockKind.TITLE, BlockKind.TEXT_BOX))[:200]
    if not title:
        # A mail pasted into Word: its subject line is its title.
        subject = next((m.group(1) for b in doc.blocks[:10] if (m := _SUBJECT.match(b.text))), None)
        title = subject or next((b.text for b in doc.blocks if b.kind is BlockKind.PARAGRAPH), "")[:80]
    body = "\n".join(
        b.text
        for i, b in enumerate(doc.blocks)
        if b.kind in (BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.TABLE_CELL) and i not in skip
    )
    # The aspect particle 了 marks finished actions; news-style accounts use few other markers.
    perfective = len(re.findall(r"(?<!为)了(?!解)", body))
    done, intended = len(_DONE.findall(body)) + perfective // 2, len(_INTENDED.findall(body))
    plan_title, summary_title = _PLAN_TITLE.search(title), _SUMMARY_TITLE.search(title)
    if activity_count <= 1 and len(body) < 600 and (_COVER_TITLE.search(title) or "附件" in body):
        return "other", f"篇幅短、没有活动内容（{title or '无标题'}）"
    if summary_title and not plan_title:
        return "summary", f"标题“{summary_title.group(0)}”，已开展的表述{done}处"
    if plan_title and not summary_title:
        if done >= 3 * max(intended, 1) and done >= 6:
            return "summary", f"标题为方案，但内容多为已开展的活动（{done}处）"
        return "plan", f"标题“{plan_title.group(0)}”，计划性表述{intended}处"
    if activity_count == 0 and len(body) < 800:
        return "other", "没有活动内容"
    if done > intended:
        return "summary", f"已开展的表述{done}处，多于计划性表述{intended}处"
    return "plan", f"计划性表述{intended}处，不少于已开展的表述{done}处"
