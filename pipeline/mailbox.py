"""Fetch the office mailbox into an inbox folder: attachments under their real names, each
file's time the mail's arrival (IMAP INTERNALDATE), nothing in the mailbox changed.

The standard library's imaplib speaks IMAP here: the job needs a handful of commands
(EXAMINE, UID SEARCH, UID FETCH with BODY.PEEK), and a dependency would add nothing but a
nicer parser for two responses. The mailbox is opened read-only, and messages are fetched with
BODY.PEEK, so no \\Seen flag is set and no \\Recent is taken.

What was fetched is kept in `DIR/.mail/messages.jsonl`, one line per message: a message is
known by its mailbox, UIDVALIDITY and UID, and by its Message-ID and bytes, so a second fetch,
or a message moved to another folder, takes nothing twice. A second fetch with nothing new
writes nothing.
"""

from __future__ import annotations

import base64
import hashlib
import imaplib
import json
import os
import re
import socket
import ssl
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path, PurePosixPath

from pipeline.readers.eml import Mail, own_lines, parse_mail

MAIL_DIR = ".mail"  # under the inbox; `discover` skips hidden folders
MESSAGES_FILE = "messages.jsonl"
SECURITY = ("ssl", "starttls", "none")
_DEFAULT_PORTS = {"ssl": 993, "starttls": 143, "none": 143}
_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}
_INTERNALDATE = re.compile(rb'INTERNALDATE "\s?(\d{1,2})-(\w{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)"')
_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class MailError(Exception):
    """The mailbox could not be read: a Chinese message saying what to check. `transient` when
    trying again later can help (the server unreachable), not when it cannot (a wrong password)."""

    def __init__(self, message: str, transient: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.transient = transient


@dataclass(frozen=True)
class MailConfig:
    host: str
    user: str
    password: str = field(repr=False)  # never printed, never logged
    port: int | None = None
    mailbox: str = "INBOX"
    security: str = "ssl"
    ca_file: Path | None = None  # the office server's own certificate authority, if not a public one
    timeout: float = 30.0
    # A nightly run tries again this often, this many seconds apart, while the server is unreachable.
    retries: int = 3
    retry_delay: float = 60.0

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port or _DEFAULT_PORTS[self.security]}"


@dataclass(frozen=True)
class MailLimits:
    max_message_bytes: int = 200 * 1024 * 1024  # larger messages are listed, not downloaded
    max_parts: int = 1000


@dataclass
class FetchResult:
    messages: list[dict] = field(default_factory=list)  # the lines added to messages.jsonl
    known: int = 0  # messages in the mailbox fetched before

    @property
    def files(self) -> list[str]:
        return [f for m in self.messages for f in m["files"]]

    @property
    def skipped(self) -> list[dict]:
        return [m for m in self.messages if m.get("error")]

    def report(self) -> dict:
        """What a run's report says of the fetch."""
        return {
            "messages": len(self.messages),
            "files": self.files,
            "skipped": [{k: m.get(k) for k in ("uid", "subject", "from", "error")} for m in self.skipped],
            "summary": self.summary(),
        }

    def summary(self) -> str:
        if not self.messages:
            return f"邮箱中没有新邮件（已收取过 {self.known} 封）"
        text = f"收取新邮件 {len(self.messages)} 封，保存文件 {len(self.files)} 个"
        if self.skipped:
            text += f"；{len(self.skipped)} 封未能处理：" + "；".join(
                f"“{m['subject'] or '（无主题）'}”{m['error']}" for m in self.skipped
            )
        return text


def read_password_file(path: Path) -> str:
    """The password is the file's first line; its line break is not part of it."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise MailError(f"无法读取密码文件 {path}（{e.strerror or e}）；请检查路径和权限") from e
    password = text.splitlines()[0] if text.splitlines() else ""
    if not password:
        raise MailError(f"密码文件 {path} 是空的；请在第一行写入邮箱密码（或授权码）")
    return password


def load_mail_config(path: Path, environ: Mapping[str, str] = os.environ) -> MailConfig:
    """The mail settings of a nightly run: a TOML file with host, port, user, mailbox, security
    and password_file or password_env. The password itself is never in the file."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as e:
        raise MailError(f"无法读取邮件配置文件 {path}（{e.strerror or e}）") from e
    except tomllib.TOMLDecodeError as e:
        raise MailError(f"邮件配置文件 {path} 格式错误：{e}") from e
    data = data.get("mail", data)
    if "password" in data:
        raise MailError(
            f"邮件配置文件 {path} 中不能直接写密码；请改用 password_file（密码文件路径）或 password_env（环境变量名）"
        )
    for key in ("host", "user"):
        if not data.get(key):
            raise MailError(f"邮件配置文件 {path} 缺少 {key}")
    if data.get("password_file"):
        password_file = Path(data["password_file"]).expanduser()
        if not password_file.is_absolute():
            password_file = Path(path).parent / password_file
        password = read_password_file(password_file)
    elif data.get("password_env"):
        password = environ.get(data["password_env"], "")
        if not password:
            raise MailError(f"环境变量 {data['password_env']} 未设置或为空；邮箱密码应放在这个环境变量中")
    else:
        raise MailError(f"邮件配置文件 {path} 缺少 password_file 或 password_env")
    security = data.get("security", "ssl")
    if security not in SECURITY:
        raise MailError(f"邮件配置文件 {path} 中 security 应为 ssl、starttls 或 none，而不是 {security}")
    ca_file = Path(data["ca_file"]).expanduser() if data.get("ca_file") else None
    return MailConfig(
        host=data["host"],
        user=data["user"],
        password=password,
        port=int(data["port"]) if data.get("port") else None,
        mailbox=data.get("mailbox", "INBOX"),
        security=security,
        ca_file=ca_file,
        timeout=float(data.get("timeout", 30)),
        retries=int(data.get("retries", 3)),
        retry_delay=float(data.get("retry_delay", 60)),
    )


def fetch_mail(config: MailConfig, to: Path, limits: MailLimits = MailLimits()) -> FetchResult:
    """Save every message not fetched before into `to`; raise MailError when the mailbox
    cannot be read at all (nothing is written then)."""
    imap = _connect(config)
    try:
        _login(imap, config)
        uidvalidity = _examine(imap, config)
        state = _State.load(to)
        result = FetchResult()
        uids = _search(imap)
        new = [u for u in uids if (config.mailbox, uidvalidity, u) not in state.keys]
        result.known = len(uids) - len(new)
        for chunk in (new[i : i + 200] for i in range(0, len(new), 200)):
            for uid, head in _fetch_heads(imap, chunk).items():
                line = {
                    "mailbox": config.mailbox,
                    "uidvalidity": uidvalidity,
                    "uid": uid,
                    "message_id": head["message_id"],
                    "arrival": head["arrival"],
                    "size": head["size"],
                }
                if head["message_id"] and head["message_id"] in state.message_ids:
                    line |= _known(state.message_ids[head["message_id"]])
                elif head["size"] > limits.max_message_bytes:
                    line |= _empty(error=f"邮件过大（{_size(head['size'])}），未下载；请在邮箱中人工查看")
                else:
                    raw = _fetch_body(imap, uid)
                    sha = hashlib.sha256(raw).hexdigest()
                    if sha in state.hashes:
                        line |= _known(state.hashes[sha]) | {"sha256": sha}
                    else:
                        line |= _save(raw, head, to, limits) | {"sha256": sha}
                state.add(to, line)
                result.messages.append(line)
        return result
    finally:
        _logout(imap)


def inbox_mail(inbox: Path) -> dict[str, dict]:
    """What fetch-mail knows of each file it saved in `inbox`: {file: {"mail", "arrival"}}."""
    known: dict[str, dict] = {}
    for line in _State.lines(inbox):
        meta = {
            "from": _display(line.get("from") or {}),
            "subject": line.get("subject", ""),
            "date": line.get("date", ""),
            "message_id": line.get("message_id", ""),
        }
        for name in line.get("files", ()):
            known.setdefault(name, {"mail": meta, "arrival": line.get("arrival")})
    return known


# --- the server ---------------------------------------------------------------------------


def _connect(config: MailConfig) -> imaplib.IMAP4:
    port = config.port or _DEFAULT_PORTS[config.security]
    try:
        if config.security == "ssl":
            return imaplib.IMAP4_SSL(config.host, port, ssl_context=_tls(config), timeout=config.timeout)
        imap = imaplib.IMAP4(config.host, port, timeout=config.timeout)
        if config.security == "starttls":
            try:
                imap.starttls(ssl_context=_tls(config))
            except imaplib.IMAP4.error as e:
                _logout(imap)
                raise MailError(
                    f"邮件服务器 {config.address} 不支持 STARTTLS 加密（{_said(e)}）；请改用 --security ssl 及其端口（通常993）"
                ) from e
        return imap
    except ssl.SSLCertVerificationError as e:
        raise MailError(
            f"邮件服务器 {config.address} 的证书无法验证（{e.verify_message}）；请确认服务器地址无误，"
            "单位自签的证书请用 --ca-file 指定其根证书"
        ) from e
    except ssl.SSLError as e:
        raise MailError(
            f"与邮件服务器 {config.address} 建立加密连接失败（{e.reason or e}）；"
            "请检查 --security 与端口是否对应：ssl 通常用993端口，starttls 和 none 通常用143端口"
        ) from e
    except (socket.gaierror, ConnectionRefusedError, TimeoutError, OSError) as e:
        raise MailError(
            f"无法连接邮件服务器 {config.address}（{_os_reason(e)}）；请检查服务器地址、端口和网络",
            transient=True,
        ) from e
    except imaplib.IMAP4.error as e:  # connected, but what answered is not an IMAP server
        raise MailError(f"{config.address} 的答复不是IMAP邮件服务器的答复（{_said(e)}）；请检查服务器地址和端口") from e


def _tls(config: MailConfig) -> ssl.SSLContext:
    if config.ca_file is not None and not config.ca_file.is_file():
        raise MailError(f"证书文件 {config.ca_file} 不存在")
    return ssl.create_default_context(cafile=str(config.ca_file) if config.ca_file else None)


def _login(imap: imaplib.IMAP4, config: MailConfig) -> None:
    try:
        imap.login(config.user, config.password)
    except imaplib.IMAP4.error as e:
        raise MailError(
            f"登录邮箱失败：用户名或密码不正确（服务器答复：{_said(e)}）；请检查 --user 和密码文件。"
            "不少邮箱要用“授权码”而不是网页登录密码"
        ) from e
    except (OSError, imaplib.IMAP4.abort) as e:
        raise MailError(f"登录邮箱时连接中断（{_os_reason(e)}）；请稍后重试", transient=True) from e


def _examine(imap: imaplib.IMAP4, config: MailConfig) -> int:
    """EXAMINE: the read-only SELECT (no flag changes, \\Recent kept for the mail client)."""
    try:
        typ, data = imap.select(folder_argument(config.mailbox), readonly=True)
    except (OSError, imaplib.IMAP4.abort) as e:
        raise MailError(f"打开邮箱文件夹时连接中断（{_os_reason(e)}）；请稍后重试", transient=True) from e
    if typ != "OK":
        said = (data[0] or b"").decode("utf-8", "replace") if data else ""
        raise MailError(f"邮箱中没有文件夹“{config.mailbox}”（服务器答复：{said}）；请检查 --mailbox")
    _, values = imap.response("UIDVALIDITY")
    try:
        return int(values[0])
    except (TypeError, ValueError, IndexError):
        return 0  # a server that gives none: UIDs alone, with Message-IDs to guard against reuse


def _search(imap: imaplib.IMAP4) -> list[int]:
    typ, data = imap.uid("SEARCH", "ALL")
    if typ != "OK":
        raise MailError("邮件服务器拒绝列出邮件；请稍后重试", transient=True)
    return sorted(int(u) for u in b" ".join(d for d in data if d).split())


def _fetch_heads(imap: imaplib.IMAP4, uids: list[int]) -> dict[int, dict]:
    """Arrival, size and Message-ID of each message, without downloading any body."""
    typ, data = imap.uid(
        "FETCH", ",".join(map(str, uids)), "(UID INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])"
    )
    if typ != "OK":
        raise MailError("邮件服务器拒绝读取邮件；请稍后重试", transient=True)
    heads: dict[int, dict] = {}
    for items, header in _responses(data):
        uid = _UID.search(items)
        if not uid:
            continue
        message_id = BytesParser(policy=policy.default).parsebytes(header or b"", headersonly=True).get("message-id")
        size = _SIZE.search(items)
        heads[int(uid.group(1))] = {
            "message_id": str(message_id or "").strip(),
            "arrival": _arrival(items),
            "size": int(size.group(1)) if size else 0,
        }
    return heads


def _fetch_body(imap: imaplib.IMAP4, uid: int) -> bytes:
    typ, data = imap.uid("FETCH", str(uid), "(BODY.PEEK[])")  # PEEK: \Seen is not set
    for _items, body in _responses(data) if typ == "OK" else ():
        if body is not None:
            return body
    raise MailError(f"邮件服务器未返回第 {uid} 封邮件的内容；请稍后重试", transient=True)


def _responses(data: list) -> list[tuple[bytes, bytes | None]]:
    """imaplib's FETCH answer as (items, literal) per message. The items after a literal come
    as a separate piece (`UID 5 FLAGS (...))`) and are joined to its message's items."""
    out: list[tuple[bytes, bytes | None]] = []
    for piece in data:
        if isinstance(piece, tuple):
            out.append((piece[0], piece[1]))
        elif isinstance(piece, bytes) and out and not re.match(rb"\d+ \(", piece):
            out[-1] = (out[-1][0] + b" " + piece, out[-1][1])
        elif isinstance(piece, bytes):
            out.append((piece, None))
    return out


def _arrival(items: bytes) -> str | None:
    m = _INTERNALDATE.search(items)
    if not m:
        return None
    day, month, year, hh, mm, ss, sign, oh, om = m.groups()
    offset = timedelta(hours=int(oh), minutes=int(om)) * (1 if sign == b"+" else -1)
    when = datetime(
        int(year), _MONTHS.get(month.decode(), 1), int(day), int(hh), int(mm), int(ss), tzinfo=timezone(offset)
    )
    return when.isoformat(timespec="seconds")


def _logout(imap: imaplib.IMAP4) -> None:
    try:
        imap.logout()
    except (OSError, imaplib.IMAP4.error, imaplib.IMAP4.abort):
        pass


def folder_argument(mailbox: str) -> str:
    """A folder name for the command line: IMAP's modified UTF-7 for a name like 已归档
    (RFC 3501 5.1.3), quoted when it has a space or a quote."""
    name = _utf7(mailbox)
    if re.fullmatch(r"[\w./&,+-]+", name, re.ASCII):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _utf7(name: str) -> str:
    def encode(m: re.Match) -> str:
        return "&" + base64.b64encode(m.group(0).encode("utf-16-be")).decode().rstrip("=").replace("/", ",") + "-"

    return re.sub(r"[^\x20-\x7e]+", encode, name.replace("&", "&-"))


def _said(e: Exception) -> str:
    text = str(e.args[0] if e.args else e)
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return text.strip() or type(e).__name__


def _os_reason(e: BaseException) -> str:
    if isinstance(e, socket.gaierror):
        return "找不到这个服务器地址"
    if isinstance(e, ConnectionRefusedError):
        return "连接被拒绝，端口上没有邮件服务"
    if isinstance(e, TimeoutError | socket.timeout):
        return "连接超时"
    return getattr(e, "strerror", None) or str(e) or type(e).__name__


# --- saving ---------------------------------------------------------------------------------


def _save(raw: bytes, head: dict, to: Path, limits: MailLimits) -> dict:
    """Save a message's documents into `to`, each with the message's arrival as its time."""
    try:
        mail = parse_mail(raw, limits.max_parts)
    except Exception as e:  # the parser is lenient: what still fails is a message to look at by hand
        return _empty(error=f"邮件无法解析（{type(e).__name__}），已跳过；请在邮箱中人工查看")
    line = _headers(mail)
    stamp = datetime.fromisoformat(head["arrival"]).timestamp() if head["arrival"] else None
    documents = [a for a in mail.attachments if not a.inline]
    written: set[str] = set()
    line["inline"] = [a.name for a in mail.attachments if a.inline]
    lines = own_lines(mail)
    if mail.automatic:
        line["note"] = "自动回复，未保存"
    elif lines:
        # The body is a report itself: kept as a mail, without the attachments saved beside it.
        body = raw if not mail.attachments else _body_only(raw, "\n".join(lines))
        line["files"].append(_write(to, _subject_name(mail), body, stamp, written))
    elif not documents:
        line["note"] = "正文过短且没有附件，未保存"
    if not mail.automatic:
        for attachment in documents:
            line["files"].append(_write(to, attachment.name, attachment.data, stamp, written))
    return line


def _headers(mail: Mail) -> dict:
    name, address = mail.sender
    return _empty() | {
        "from": {"address": address, "name": name},
        "subject": mail.subject,
        "date": mail.meta.get("date", ""),
    }


def _empty(**extra) -> dict:
    return {"from": {"address": "", "name": ""}, "subject": "", "date": "", "files": [], "inline": []} | extra


def _known(line: dict) -> dict:
    """A message fetched before under another UID (a re-fetch after UIDVALIDITY changed, or moved
    from another folder): its files are the ones saved then."""
    return {k: line[k] for k in ("from", "subject", "date", "files", "inline") if k in line} | {
        "same_as": f"{line['mailbox']}/{line['uidvalidity']}/{line['uid']}"
    }


def _body_only(raw: bytes, text: str) -> bytes:
    original = BytesParser(policy=policy.default).parsebytes(raw)
    msg = EmailMessage()
    for name in ("From", "To", "Cc", "Subject", "Date", "Message-ID"):
        if original.get(name):
            msg[name] = str(original[name])
    msg.set_content(text)
    return msg.as_bytes(policy=policy.SMTP)


def _subject_name(mail: Mail) -> str:
    subject = re.sub(r'[\x00-\x1f/\\:*?"<>|]', "", mail.subject).strip(" .") or "无主题邮件"
    return f"{subject[:80]}.eml"


def _write(to: Path, name: str, data: bytes, stamp: float | None, written: set[str]) -> str:
    """Write `data` as `to/name`, or `name~2`… when another file holds that name; the same
    bytes under that name from an earlier fetch (one interrupted after saving) are not
    written twice. `written`: the names this message has given so far, each kept."""
    to.mkdir(parents=True, exist_ok=True)
    path = PurePosixPath(name)
    k = 1
    while True:
        candidate = name if k == 1 else f"{path.stem}~{k}{path.suffix}"
        target = to / candidate
        if not target.exists():
            break
        if (
            candidate not in written
            and target.is_file()
            and target.stat().st_size == len(data)
            and target.read_bytes() == data
        ):
            written.add(candidate)
            return candidate
        k += 1
    tmp = to / MAIL_DIR / f".{os.getpid()}.part"
    tmp.parent.mkdir(exist_ok=True)
    tmp.write_bytes(data)
    if stamp is not None:
        os.utime(tmp, (stamp, stamp))
    os.replace(tmp, target)
    written.add(candidate)
    return candidate


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}MB" if n >= 1024 * 1024 else f"{n / 1024:.0f}KB"


def _display(sender: dict) -> str:
    name, address = sender.get("name", ""), sender.get("address", "")
    return f"{name} <{address}>" if name and address else name or address


@dataclass
class _State:
    keys: set = field(default_factory=set)
    message_ids: dict = field(default_factory=dict)
    hashes: dict = field(default_factory=dict)

    @staticmethod
    def lines(to: Path) -> list[dict]:
        path = to / MAIL_DIR / MESSAGES_FILE
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            return []
        out = []
        for raw in text.splitlines():
            try:
                out.append(json.loads(raw))
            except json.JSONDecodeError:
                continue  # a line cut by a crash: its message is fetched again
        return out

    @classmethod
    def load(cls, to: Path) -> _State:
        state = cls()
        for line in cls.lines(to):
            state.remember(line)
        return state

    def remember(self, line: dict) -> None:
        self.keys.add((line.get("mailbox"), line.get("uidvalidity"), line.get("uid")))
        if line.get("message_id") and "same_as" not in line:
            self.message_ids.setdefault(line["message_id"], line)
        if line.get("sha256") and "same_as" not in line:
            self.hashes.setdefault(line["sha256"], line)

    def add(self, to: Path, line: dict) -> None:
        """One line per message, appended once its files are in place."""
        path = to / MAIL_DIR / MESSAGES_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        self.remember(line)
