"""`digest` command line: the top, thinnest layer, over the library and the Prefect flow.

Only `run` and `serve` import Prefect (a second or more); `status`, `eval` and `--help` stay fast.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from pipeline.campaign import CampaignError, load_campaign
from pipeline.runlock import RunLocked


def _run(args: argparse.Namespace) -> int:
    if not args.inbox.is_dir():
        print(f"收件箱目录不存在：{args.inbox}", file=sys.stderr)
        return 2
    from flows.nightly import run_nightly  # Prefect is only needed for this command

    try:
        load_campaign(args.campaign)  # fail here, in Chinese, before any work starts
    except CampaignError as e:
        print(str(e), file=sys.stderr)
        return 2
    try:
        report = run_nightly(
            args.inbox,
            args.out,
            workers=args.workers,
            max_file_mb=args.max_file_mb,
            campaign=args.campaign,
            task_runner=args.task_runner,
            dask_address=args.dask_address,
        )
    except RunLocked as e:
        print(str(e), file=sys.stderr)
        return 3
    print(
        f"结果已写入 {args.out}（{report['files']} 个文件，用时 {report['seconds']} 秒）：{report['digest']}、shortlist.docx"
    )
    for note in report.get("notes", []):
        print(note)
    if report["needs_person"]:
        print(f"需要人工处理的文件 {len(report['needs_person'])} 个，见 {args.out / 'run_report.json'}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from flows.nightly import serve_nightly

    print(f"按计划 {args.cron} 定时运行（Ctrl+C 停止）；打开界面：prefect server start 后访问 http://127.0.0.1:4200")
    serve_nightly(args.inbox, args.out, args.cron, workers=args.workers, campaign=args.campaign)
    return 0


def _status(args: argparse.Namespace) -> int:
    from pipeline.status import ledger_status

    print(ledger_status(args.out))
    return 0


def _eval(args: argparse.Namespace) -> int:
    import tempfile

    from pipeline.evaluate import evaluate, format_report, load_labels
    from pipeline.outputs.records import RECORDS_FILE, load_records
    from pipeline.run import run

    try:
        campaign = load_campaign(args.campaign)
    except CampaignError as e:
        print(str(e), file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="digest-eval-") as tmp:
        out = args.out or Path(tmp)
        run(args.inbox, out, campaign)
        records = load_records(out / RECORDS_FILE)
    print(format_report(evaluate(records, load_labels(args.labels))))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="digest", description="汇总各单位报送的世界认可日活动方案与总结")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="读取收件箱中的全部文件并生成结果")
    run.add_argument("--inbox", type=Path, default=Path("samples/inbox"), help="收件箱目录（只读）")
    run.add_argument("--out", type=Path, default=Path("outputs"), help="结果目录")
    run.add_argument("--workers", type=int, default=None, help="并行进程数，默认等于CPU核数")
    run.add_argument("--max-file-mb", type=int, default=50, help="单个文件大小上限（MB）")
    run.add_argument("--campaign", type=Path, default=None, help="活动配置文件（默认：2018年世界认可日）")
    run.add_argument(
        "--task-runner",
        choices=("process", "dask"),
        default="process",
        help="并行方式：本机多进程（默认）或 Dask 集群（需 pip install '.[dask]'）",
    )
    run.add_argument(
        "--dask-address", default=None, help="已有 Dask 集群的地址，如 tcp://10.0.0.5:8786；不填则在本机启动"
    )
    run.set_defaults(func=_run)
    serve = sub.add_parser("serve", help="按计划定时运行（内嵌 Prefect，无需服务器）")
    serve.add_argument("--cron", default="0 2 * * *", help="cron 表达式，默认每天凌晨2点")
    serve.add_argument("--inbox", type=Path, default=Path("samples/inbox"))
    serve.add_argument("--out", type=Path, default=Path("outputs"))
    serve.add_argument("--workers", type=int, default=None)
    serve.add_argument("--campaign", type=Path, default=None)
    serve.set_defaults(func=_serve)
    status = sub.add_parser("status", help="查看台账状态（不运行）")
    status.add_argument("--out", type=Path, default=Path("outputs"))
    status.set_defaults(func=_status)
    ev = sub.add_parser("eval", help="对照标注评估提取质量（逐字段精确率、召回率、准确率及全部未命中项）")
    ev.add_argument("--inbox", type=Path, default=Path("samples/inbox"))
    ev.add_argument("--labels", type=Path, default=Path("samples/labels.json"))
    ev.add_argument("--campaign", type=Path, default=None)
    ev.add_argument("--out", type=Path, default=None, help="保留本次结果的目录（默认用临时目录）")
    ev.set_defaults(func=_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
