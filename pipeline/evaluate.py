"""`digest eval`: extraction quality against gold labels, per field and per genre, with every
miss listed, and the 报送情况 the office would see compared with the one the labels give."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.campaign import METRIC_NAMES, Campaign

_READABLE = {"ok", "superseded"}


@dataclass
class SetScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: set, gold: set) -> None:
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Accuracy:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += ok
        self.total += 1

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class Evaluation:
    sets: dict[str, SetScore] = field(
        default_factory=lambda: {"activity_types": SetScore(), "activity_dates": SetScore()}
    )
    accuracy: dict[str, Accuracy] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def acc(self, name: str) -> Accuracy:
        return self.accuracy.setdefault(name, Accuracy())

    @property
    def metrics_accuracy(self) -> float:
        parts = [a for k, a in self.accuracy.items() if k.startswith("metrics.")]
        right, total = sum(a.right for a in parts), sum(a.total for a in parts)
        return right / total if total else 1.0

    def summary(self) -> dict:
        out = {
            k: {"precision": round(s.precision, 3), "recall": round(s.recall, 3), "f1": round(s.f1, 3)}
            for k, s in self.sets.items()
        }
        out.update({k: {"accuracy": round(a.value, 3), "n": a.total} for k, a in sorted(self.accuracy.items())})
        out["metrics"] = {"accuracy": round(self.metrics_accuracy, 3)}
        return out


def evaluate(records: list[dict], labels: list[dict]) -> Evaluation:
    by_file = {r["file"]: r for r in records}
    ev = Evaluation()
    for gold in labels:
        rec = by_file.get(gold["file"])
        name = gold["file"]
        if rec is None:
            ev.acc("status").add(False)
            ev.misses.append(f"[缺少记录] {name}")
            continue
        status = "ok" if rec["status"] == "superseded" else rec["status"]
        ev.acc("status").add(status == gold["status"])
        if status != gold["status"]:
            ev.misses.append(f"[状态] {name}: 应为 {gold['status']}，实为 {rec['status']}（{rec.get('error') or ''}）")
        if gold["status"] != "ok" or rec["status"] not in _READABLE:
            continue
        evidence = rec.get("evidence") or {}
        # Fields the labeller found the text does not settle (a total it never states) are not scored.
        unscored = set(gold.get("unscored") or ())
        for key in ("submitter", "submitter_kind", "doc_kind", "doc_date"):
            if key in unscored:
                continue
            want, got = gold.get(key) or None, rec.get(key) or None
            ev.acc(key).add(want == got)
            if want != got:
                where = (
                    (evidence.get(key) or evidence.get("submitter") or {}).get("text", "")
                    if key.startswith("submitter")
                    else (evidence.get(key) or {}).get("text", "")
                )
                ev.misses.append(f"[{key}] {name}: 应为 {want}，实为 {got}（依据：{where[:60]}）")
        for key in ("activity_types", "activity_dates"):
            want, got = set(gold.get(key) or ()), set(rec.get(key) or ())
            ev.sets[key].add(got, want)
            for extra in sorted(got - want):
                where = (evidence.get(key, {}).get(extra) or {}).get("text", "")
                ev.misses.append(f"[{key} 多出] {name}: {extra}（依据：{where[:70]}）")
            for missing in sorted(want - got):
                ev.misses.append(f"[{key} 漏掉] {name}: {missing}")
        want_m, got_m = gold.get("metrics") or {}, rec.get("metrics") or {}
        for metric in METRIC_NAMES:
            if metric not in want_m and metric not in got_m or f"metrics.{metric}" in unscored:
                continue
            ok = want_m.get(metric) == got_m.get(metric)
            ev.acc(f"metrics.{metric}").add(ok)
            if not ok:
                where = (evidence.get("metrics", {}).get(metric) or {}).get("text", "")
                ev.misses.append(
                    f"[metrics.{metric}] {name}: 应为 {want_m.get(metric)}，实为 {got_m.get(metric)}（依据：{where[:70]}）"
                )
    return ev


# Genres the labels name (samples/SOURCES.md), as the report prints them.
GENRE_NAMES = {
    "formal": "正式公文",
    "news": "新闻稿/本报讯",
    "info": "工作信息",
    "bulletin": "工作简报",
    "wechat": "微信文章",
    "yishi": "一是二是总结",
    "stats": "统计表",
    "email": "邮件正文",
    "scan": "扫描件/照片",
}


def evaluate_by_genre(records: list[dict], labels: list[dict]) -> dict[str, Evaluation]:
    """One evaluation per genre of the labelled files (a label without one is formal)."""
    genres: dict[str, list[dict]] = {}
    for gold in labels:
        if gold.get("status") == "ok":
            genres.setdefault(gold.get("genre") or "formal", []).append(gold)
    return {
        g: evaluate(records, genres[g])
        for g in sorted(genres, key=lambda g: list(GENRE_NAMES).index(g) if g in GENRE_NAMES else 99)
    }


def format_genres(by_genre: dict[str, Evaluation]) -> str:
    head = f"{'体裁':<14}{'文件':>4} {'报送单位':>7} {'单位类别':>7} {'文种':>6} {'落款日期':>7} {'类型F1':>7} {'日期F1':>7} {'数据':>6}"
    lines = [head, "-" * 76]
    for genre, ev in by_genre.items():
        name = GENRE_NAMES.get(genre, genre)
        lines.append(
            f"{name:<14}{ev.acc('submitter').total:>4} {ev.acc('submitter').value:>9.3f} "
            f"{ev.acc('submitter_kind').value:>9.3f} {ev.acc('doc_kind').value:>7.3f} {ev.acc('doc_date').value:>9.3f} "
            f"{ev.sets['activity_types'].f1:>8.3f} {ev.sets['activity_dates'].f1:>8.3f} {ev.metrics_accuracy:>7.3f}"
        )
    return "\n".join(lines)


_COUNTED_LABELS = {"ok"}
_COUNTED_RECORDS = {"ok", "superseded"}


def submission_states(entries: list[dict], campaign: Campaign, counted: set[str]) -> dict[str, dict[str, str]]:
    """Per required sender and kind: 未收到, 按时 or 逾期N天, by the first arrival, as 报送情况 shows it."""
    tz = ZoneInfo(campaign.timezone)
    first: dict[tuple[str, str], date] = {}
    for e in entries:
        if e.get("status") not in counted or e.get("doc_kind") not in ("plan", "summary") or not e.get("arrived"):
            continue
        moment = datetime.fromisoformat(e["arrived"])
        day = (moment.astimezone(tz) if moment.tzinfo else moment).date()
        key = (e.get("submitter"), e["doc_kind"])
        first[key] = min(first.get(key, day), day)
    states = {}
    for member in campaign.roster:
        states[member.name] = {}
        for kind in ("plan", "summary"):
            day, deadline = first.get((member.name, kind)), campaign.deadlines.get(kind)
            late = (day - deadline).days if day and deadline and day > deadline else 0
            states[member.name][kind] = "未收到" if day is None else f"逾期{late}天" if late else "按时"
    return states


def compare_submissions(records: list[dict], labels: list[dict], campaign: Campaign) -> tuple[int, list[str]]:
    """How many of the required senders' 报送情况 rows are right, and the wrong ones."""
    want = submission_states(labels, campaign, _COUNTED_LABELS)
    got = submission_states(records, campaign, _COUNTED_RECORDS)
    kinds = {"plan": "方案", "summary": "总结"}
    wrong = [
        f"{name}：{kinds[k]}应为{want[name][k]}，实为{got[name][k]}"
        for name in want
        for k in kinds
        if want[name][k] != got[name][k]
    ]
    right = sum(want[name] == got[name] for name in want)
    return right, wrong


def format_report(ev: Evaluation) -> str:
    lines = ["字段                     精确率   召回率   F1", "-" * 48]
    for key, s in ev.sets.items():
        lines.append(f"{key:<24} {s.precision:7.3f}  {s.recall:7.3f}  {s.f1:6.3f}")
    lines += ["", "字段                     准确率   (n)", "-" * 40]
    for key, a in sorted(ev.accuracy.items()):
        lines.append(f"{key:<24} {a.value:7.3f}  ({a.total})")
    lines.append(f"{'metrics (all)':<24} {ev.metrics_accuracy:7.3f}")
    if ev.misses:
        lines += ["", f"未命中 {len(ev.misses)} 处："] + [f"  {m}" for m in ev.misses]
    return "\n".join(lines)


def load_labels(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))
