"""`digest` command line: the top, thinnest layer, over the library and the Prefect flow.

Only `run`, `serve` and `server` import Prefect (a second or more), and only once they have
started the Prefect server they need, if any; `status`, `eval` and `--help` stay fast.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import logging
import os
import sys
from pathlib import Path

from pipeline.campaign import CampaignError, load_campaign
from pipeline.runtime.runlock import RunLocked


def _run(args: argparse.Namespace) -> int:
    if not args.inbox.is_dir():
        print(f"收件箱目录不存在：{args.inbox}", file=sys.stderr)
        return 2
    from flows import server as servers

    url, _ = servers.configured_api()
    # No server to use: start a temporary one first thing, so that its import overlaps ours.
    temporary = servers.start_temporary() if url is None else None
    if temporary:
        # Stopped at exit: after Prefect's log and event workers have sent what they hold.
        atexit.register(temporary.stop)
    # Set before Prefect is imported, which reads them once: building new settings costs 0.3 s.
    os.environ["PREFECT_API_URL"] = api_url = url or temporary.api_url
    # Heartbeats only when asked for: someone is watching a run by hand, Prefect marks one that is
    # interrupted itself, and stopping the heartbeat thread costs up to a second at the end.
    # (Scheduled runs, which nobody watches, have them: flows/serve.py.)
    asked = os.environ.get("PREFECT_FLOWS_HEARTBEAT_FREQUENCY")
    heartbeat = int(asked) if asked and not temporary else None
    if heartbeat is None:
        os.environ.pop("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", None)
    if args.mail_config and (problem := _mail_config_problem(args.mail_config)):
        print(problem, file=sys.stderr)
        return 2
    try:
        campaign = load_campaign(args.campaign)  # fail here, in Chinese, before any work starts
        gc.disable()  # while importing: the collector would look at every new module's objects (0.4 s)
        if args.task_runner != "dask" and (args.mail_config or _anything_to_read(args.inbox, args.out, campaign)):
            from pipeline.runtime.workers import warm_up

            warm_up()  # the readers' fork server loads them while Prefect starts; not at all on a quiet night
        from flows.nightly import run_nightly  # Prefect is only needed for this command

        gc.freeze()
        gc.enable()
        if temporary:
            temporary.wait_ready()
        report = run_nightly(
            args.inbox,
            args.out,
            workers=args.workers,
            max_file_mb=args.max_file_mb,
            campaign=args.campaign,
            task_runner=args.task_runner,
            dask_address=args.dask_address,
            api_url=api_url,
            heartbeat_seconds=heartbeat,
            prestart_readers=False,
            mail_config=args.mail_config,
        )
    except CampaignError as e:
        print(str(e), file=sys.stderr)
        return 2
    except servers.ServerError as e:
        print(str(e), file=sys.stderr)
        return 2
    except RunLocked as e:
        print(str(e), file=sys.stderr)
        return 3
    print(
        f"结果已写入 {args.out}（{report['files']} 个文件，用时 {report['seconds']} 秒）：{report['digest']}、shortlist.docx"
    )
    mail = report.get("mail") or {}
    if mail.get("summary"):
        print(mail["summary"])
    for note in report.get("notes", []):
        print(note)
    if report["needs_person"]:
        print(f"需要人工处理的文件 {len(report['needs_person'])} 个，见 {args.out / 'run_report.json'}")
    if mail.get("error"):
        print(f"邮件未能收取：{mail['error']}。结果只包含收件箱中已有的文件", file=sys.stderr)
        return 4
    if temporary and sys.stderr.isatty():
        print("提示：先用 digest server 启动一个常驻的 Prefect 服务器，每次运行可省去约十秒启动时间", file=sys.stderr)
    return 0


def _mail_config_problem(path: Path) -> str | None:
    """The mail settings checked before anything starts (the run reads them again when it fetches)."""
    from pipeline.mailbox import MailError, load_mail_config

    try:
        load_mail_config(path)
    except MailError as e:
        return e.message
    return None


def _anything_to_read(inbox: Path, out: Path, campaign) -> bool:
    """A look at the inbox against the ledger before Prefect is imported (the flow looks again).
    Only a guess: if the look fails, the flow's own discovery says why."""
    import sqlite3

    from pipeline.run import plan_inbox

    try:
        return bool(plan_inbox(inbox, out, campaign).to_read)
    except (OSError, sqlite3.Error):
        return True


def _serve(args: argparse.Namespace) -> int:
    from flows.serve import ServeLocked, serve

    if not args.inbox.is_dir():
        print(f"收件箱目录不存在：{args.inbox}", file=sys.stderr)
        return 2
    try:
        load_campaign(args.campaign)
    except CampaignError as e:
        print(str(e), file=sys.stderr)
        return 2
    if args.mail_config and (problem := _mail_config_problem(args.mail_config)):
        print(problem, file=sys.stderr)
        return 2
    try:
        return serve(
            args.inbox,
            args.out,
            cron=args.cron,
            interval=args.interval,
            timezone=args.timezone,
            workers=args.workers,
            campaign=args.campaign,
            prefect_home=args.prefect_home,
            mail_config=args.mail_config,
        )
    except ServeLocked as e:
        print(str(e), file=sys.stderr)
        return 3


def _server(args: argparse.Namespace) -> int:
    from flows.serve import keep_server

    return keep_server(args.prefect_home, args.port)


def _fetch_mail(args: argparse.Namespace) -> int:
    from pipeline.mailbox import MailConfig, MailError, fetch_mail, load_mail_config, read_password_file

    try:
        if args.config:
            config = load_mail_config(args.config)
        else:
            missing = [flag for flag, value in (("--host", args.host), ("--user", args.user)) if not value]
            if not (args.password_file or args.password_env):
                missing.append("--password-file")
            if missing:
                print(f"缺少参数：{'、'.join(missing)}（或用 --config 指定邮件配置文件）", file=sys.stderr)
                return 2
            if args.password_file:
                password = read_password_file(args.password_file)
            else:
                password = os.environ.get(args.password_env, "")
                if not password:
                    raise MailError(f"环境变量 {args.password_env} 未设置或为空")
            config = MailConfig(
                host=args.host,
                user=args.user,
                password=password,
                port=args.port,
                mailbox=args.mailbox,
                security=args.security,
                ca_file=args.ca_file,
            )
        result = fetch_mail(config, args.to)
    except MailError as e:
        print(e.message, file=sys.stderr)
        return 4 if e.transient else 2
    print(result.summary())
    for name in result.files:
        print(f"  {args.to / name}")
    return 0


def _status(args: argparse.Namespace) -> int:
    from pipeline.records.status import ledger_status

    print(ledger_status(args.out))
    return 0


def _eval(args: argparse.Namespace) -> int:
    import tempfile

    from pipeline.evaluate import (
        compare_submissions,
        evaluate,
        evaluate_by_genre,
        format_genres,
        format_report,
        load_labels,
    )
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
    labels = load_labels(args.labels)
    print(format_report(evaluate(records, labels)))
    print("\n按体裁：")
    print(format_genres(evaluate_by_genre(records, labels)))
    right, wrong = compare_submissions(records, labels, campaign)
    print(f"\n报送情况（必报单位 {len(campaign.roster)} 家）：{right} 家与标注一致")
    for line in wrong:
        print(f"  {line}")
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
    run.add_argument(
        "--mail-config", type=Path, default=None, help="先从邮箱收取新邮件再读取（邮件配置文件，TOML，见 README）"
    )
    run.set_defaults(func=_run)
    serve = sub.add_parser(
        "serve",
        help="按计划定时运行，直到 Ctrl+C 或 SIGTERM（自带 Prefect 服务器，也可用已有的）",
        description="按计划定时运行 digest run。使用 PREFECT_API_URL 指定的服务器，或 digest server 已启动的服务器；"
        "都没有时自行启动一个（数据库在 --prefect-home），停止时一并停止。",
    )
    when = serve.add_mutually_exclusive_group()
    when.add_argument("--cron", default=None, help='cron 表达式，默认 "0 2 * * *"（每天凌晨2点）')
    when.add_argument(
        "--interval", type=float, default=None, metavar="SECONDS", help="每隔多少秒运行一次（代替 --cron）"
    )
    serve.add_argument("--timezone", default="Asia/Shanghai", help="cron 计划的时区，默认 Asia/Shanghai")
    serve.add_argument("--inbox", type=Path, default=Path("samples/inbox"), help="收件箱目录（只读）")
    serve.add_argument("--out", type=Path, default=Path("outputs"), help="结果目录")
    serve.add_argument("--workers", type=int, default=None, help="并行进程数，默认等于CPU核数")
    serve.add_argument("--campaign", type=Path, default=None, help="活动配置文件（默认：2018年世界认可日）")
    serve.add_argument(
        "--prefect-home",
        type=Path,
        default=None,
        help="自行启动的 Prefect 服务器的数据目录（数据库 prefect.db、日志 server.log），默认 OUT/.prefect",
    )
    serve.add_argument(
        "--mail-config", type=Path, default=None, help="每次运行前先从邮箱收取新邮件（邮件配置文件，TOML）"
    )
    serve.set_defaults(func=_serve)
    server = sub.add_parser(
        "server",
        help="启动常驻的 Prefect 服务器（含调度器和界面），digest run / serve 会自动使用它",
    )
    server.add_argument(
        "--prefect-home",
        type=Path,
        default=None,
        help="服务器的数据目录（数据库 prefect.db、日志 server.log），默认 ~/.report-digest/prefect",
    )
    server.add_argument("--port", type=int, default=None, help="端口，默认 4200（被占用时另选空闲端口）")
    server.set_defaults(func=_server)
    mail = sub.add_parser(
        "fetch-mail",
        help="从办公室邮箱收取新邮件的附件到收件箱目录（只读打开邮箱，不改变任何邮件）",
        description="用 IMAP 只读方式（EXAMINE、BODY.PEEK）收取新邮件：附件按原文件名保存到 --to 目录，"
        "文件时间为邮件到达邮箱的时间；正文即报告的邮件存为 .eml。已收取过的邮件不会重复收取。",
    )
    mail.add_argument("--host", help="IMAP 服务器地址，如 imap.example.gov.cn")
    mail.add_argument("--port", type=int, default=None, help="端口，默认 ssl 为993，starttls/none 为143")
    mail.add_argument("--user", help="邮箱用户名")
    mail.add_argument("--password-file", type=Path, default=None, help="密码文件（第一行为密码或授权码）")
    mail.add_argument("--password-env", default=None, metavar="NAME", help="或：存放密码的环境变量名")
    mail.add_argument("--to", type=Path, required=True, help="收件箱目录（附件保存到这里）")
    mail.add_argument("--mailbox", default="INBOX", help="邮箱文件夹，默认 INBOX")
    mail.add_argument("--security", choices=("ssl", "starttls", "none"), default="ssl", help="加密方式，默认 ssl")
    mail.add_argument("--ca-file", type=Path, default=None, help="单位自签证书的根证书文件（PEM）")
    mail.add_argument("--config", type=Path, default=None, help="邮件配置文件（TOML，见 README“通过邮件接收”）")
    mail.set_defaults(func=_fetch_mail)
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
