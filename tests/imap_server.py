"""A real Dovecot IMAP server on 127.0.0.1 for the mail tests, with a private configuration
in a temporary folder: passwd-file users, Maildir storage, a plain port and a TLS port with a
self-signed certificate. Messages go in by IMAP APPEND with a chosen INTERNALDATE."""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from pipeline.mailbox import folder_argument

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)
OPENSSL = shutil.which("openssl")
USERS = 50
PASSWORD = "Wad-2018 s3cret"

_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
first_valid_uid = 1
auth_failure_delay = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_group} home={root}/home/%u
}}
mail_location = maildir:~/Maildir
# No authentication penalty (anvil-auth-penalty off): after the wrong-password test, every
# later login from 127.0.0.1 would wait seconds.
service anvil {{
  chroot =
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _users() -> dict[str, str]:
    """Dovecot refuses to serve mail as root: as root, its own system users and nobody."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid()).pw_name
        group = os.getegid()
        return {"internal": me, "internal_group": str(group), "login": me, "mail_user": me, "mail_group": str(group)}
    for name in ("dovecot", "dovenull", "nobody"):
        pwd.getpwnam(name)  # KeyError: the package's users are missing
    nobody = pwd.getpwnam("nobody")
    return {
        "internal": "dovecot",
        "internal_group": "dovecot",
        "login": "dovenull",
        "mail_user": str(nobody.pw_uid),
        "mail_group": str(nobody.pw_gid),
    }


@dataclass
class Mailbox:
    """One user's mailbox on the server: what a test appends, and how the mailbox looks."""

    host: str
    port: int
    tls_port: int
    user: str
    password: str
    cert: Path

    def connect(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4(self.host, self.port, timeout=10)
        imap.login(self.user, self.password)
        return imap

    def append(self, msg: EmailMessage | bytes, arrival: datetime, folder: str = "INBOX") -> None:
        data = msg if isinstance(msg, bytes) else msg.as_bytes()
        imap = self.connect()
        try:
            if folder != "INBOX":
                imap.create(folder_argument(folder))
            typ, answer = imap.append(folder_argument(folder), None, arrival, data)
            assert typ == "OK", answer
        finally:
            imap.logout()

    def move(self, uid: int, folder: str) -> None:
        """Move a message to another folder (a clerk filing it): a new UID there."""
        imap = self.connect()
        try:
            imap.create(folder_argument(folder))
            imap.select("INBOX")
            typ, answer = imap.uid("MOVE", str(uid), folder_argument(folder))
            assert typ == "OK", answer
        finally:
            imap.logout()

    def snapshot(self, folder: str = "INBOX") -> tuple:
        """Count, \\Recent and unseen from STATUS, and every message's UID and flags: what a fetch
        must leave as it was. Read with EXAMINE and FETCH FLAGS, which change nothing."""
        imap = self.connect()
        try:
            _, status = imap.status(folder_argument(folder), "(MESSAGES RECENT UNSEEN UIDNEXT UIDVALIDITY)")
            imap.select(folder_argument(folder), readonly=True)
            _, flags = imap.uid("FETCH", "1:*", "(FLAGS)")
            return status[0], tuple(sorted(f for f in flags if f))
        finally:
            imap.logout()


class DovecotServer:
    def __init__(self) -> None:
        # Not under pytest's temporary folder: as root the mail user (nobody) must reach it.
        self.root = Path(tempfile.mkdtemp(prefix="digest-imap-"))
        self.root.chmod(0o755)
        self.port, self.tls_port = _free_port(), _free_port()
        self.users = 0
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        root = self.root
        for sub in ("run", "state", "home"):
            (root / sub).mkdir()
        subprocess.run(
            [OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"]
            + [
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                str(root / "key.pem"),
                "-out",
                str(root / "cert.pem"),
            ],
            check=True,
            capture_output=True,
        )
        # Every user written before the start: Dovecot may not see a line added in the same second.
        (root / "passwd").write_text("".join(f"office{n}:{{PLAIN}}{PASSWORD}\n" for n in range(1, USERS + 1)))
        users = _users()
        (root / "dovecot.conf").write_text(
            _CONFIG.format(root=root, port=self.port, tls_port=self.tls_port, **users), encoding="utf-8"
        )
        if os.geteuid() == 0:
            os.chown(root / "home", int(users["mail_user"]), int(users["mail_group"]))
        self.proc = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(root / "dovecot.conf")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.proc.stdout.read().decode(errors='replace')}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                socket.create_connection(("127.0.0.1", self.tls_port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("dovecot did not start listening in 15 s")

    def mailbox(self) -> Mailbox:
        """A user of its own, with an empty mailbox."""
        self.users += 1
        assert self.users <= USERS, "raise USERS in tests/imap_server.py"
        return Mailbox("127.0.0.1", self.port, self.tls_port, f"office{self.users}", PASSWORD, self.root / "cert.pem")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.root, ignore_errors=True)
