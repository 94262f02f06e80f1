"""Read .doc, .wps and .rtf by converting them to .docx with LibreOffice headless.

LibreOffice is optional: without `soffice` on PATH these files are reported as
unsupported with a message that says how to enable them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from pipeline import errors
from pipeline.errors import UnreadableFile
from pipeline.model import Document, Source, Status
from pipeline.readers.docx import read_docx

CONVERT_TIMEOUT_S = 120
_LABEL = {"doc": ".doc", "wps": ".wps", "rtf": ".rtf", "xls": ".xls", "et": ".et"}


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_legacy(data: bytes, source: Source) -> Document:
    return read_docx(convert(data, source.format, "docx:MS Word 2007 XML", "docx"), source)


def convert(data: bytes, fmt: str, target_filter: str, target_ext: str) -> bytes:
    """The file converted by LibreOffice (.doc/.wps/.rtf to .docx, .xls/.et to .xlsx)."""
    label = _LABEL.get(fmt, f".{fmt}")
    soffice = soffice_path()
    if soffice is None:
        raise UnreadableFile(errors.NO_LIBREOFFICE.format(fmt=label), Status.UNSUPPORTED)
    with tempfile.TemporaryDirectory(prefix="digest-lo-") as tmp:
        work = Path(tmp)
        src = work / f"input.{fmt}"
        src.write_bytes(data)
        # A private profile per conversion: parallel workers would otherwise fight over
        # the user's LibreOffice profile lock and hang.
        profile = (work / "profile").as_uri()
        cmd = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            target_filter,
            "--outdir",
            str(work / "out"),
            str(src),
        ]
        try:
            subprocess.run(
                cmd, capture_output=True, timeout=CONVERT_TIMEOUT_S, check=False, env={**os.environ, "HOME": tmp}
            )
        except subprocess.TimeoutExpired as e:
            raise UnreadableFile(errors.CONVERT_TIMEOUT.format(fmt=label, seconds=CONVERT_TIMEOUT_S)) from e
        out = work / "out" / f"input.{target_ext}"
        if not out.exists() or out.stat().st_size == 0:
            raise UnreadableFile(errors.CONVERT_FAILED.format(fmt=label))
        return out.read_bytes()
