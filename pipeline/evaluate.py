"""`digest eval`: extraction quality against gold labels, per field, with every miss listed."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.campaign import METRIC_NAMES

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
        for key in ("submitter", "submitter_kind", "doc_kind", "doc_date"):
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
            if metric not in want_m and metric not in got_m:
                continue
            ok = want_m.get(metric) == got_m.get(metric)
            ev.acc(f"metrics.{metric}").add(ok)
            if not ok:
                where = (evidence.get("metrics", {}).get(metric) or {}).get("text", "")
                ev.misses.append(
                    f"[metrics.{metric}] {name}: 应为 {want_m.get(metric)}，实为 {got_m.get(metric)}（依据：{where[:70]}）"
                )
    return ev


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
