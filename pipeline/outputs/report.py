"""run_report.json and run_report.md: what the night did, and what needs a person in the morning."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.model import STATUS_WORDS
from pipeline.outputs.atomic import write_text_atomic

RUN_REPORT_FILE = "run_report.json"
RUN_REPORT_MD = "run_report.md"


def report_markdown(report: dict) -> str:
    lines = [
        f"# 运行报告（{report['finished_at'].replace('T', ' ')}）",
        "",
        f"- 收件箱：`{report['inbox']}`",
        f"- 文件（含压缩包内文件）：{report['files']} 个；本次新读取 {report['new']} 个，未变化沿用 {report['unchanged']} 个",
        f"- 用时：{report['seconds']} 秒；结果表：{report.get('digest', 'digest.xlsx')}",
    ]
    if report.get("durations"):
        lines.append("- 各步骤用时：" + "，".join(f"{k} {v} 秒" for k, v in report["durations"].items()))
    lines += ["", "| 状态 | 数量 |", "| --- | --- |"]
    lines += [f"| {STATUS_WORDS.get(k, k)} | {v} |" for k, v in report["by_status"].items()]
    for note in report.get("notes", []):
        lines += ["", f"> {note}"]
    mail = report.get("mail")
    if mail:
        lines += ["", "## 邮件", "", f"- {mail.get('error') and '未能收取：' + mail['error'] or mail['summary']}"]
        lines += [f"- 未能处理：“{m['subject'] or '（无主题）'}”：{m['error']}" for m in mail.get("skipped", [])]
    if report.get("waiting"):
        lines += ["", "## 正在复制、留待下次读取", ""] + [f"- {f}" for f in report["waiting"]]
    if report.get("withdrawn"):
        lines += ["", "## 已从收件箱移除（台账中保留）", ""] + [f"- {f}" for f in report["withdrawn"]]
    lines += ["", "## 需要人工处理", ""]
    if report["needs_person"]:
        lines += ["| 文件 | 状态 | 说明 |", "| --- | --- | --- |"]
        lines += [
            f"| {p['file']} | {STATUS_WORDS.get(p['status'], p['status'])} | {p['error'] or ''} |"
            for p in report["needs_person"]
        ]
    else:
        lines.append("无。")
    return "\n".join(lines) + "\n"


def write_run_report(report: dict, out_dir: Path) -> None:
    write_text_atomic(out_dir / RUN_REPORT_FILE, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    write_text_atomic(out_dir / RUN_REPORT_MD, report_markdown(report))
