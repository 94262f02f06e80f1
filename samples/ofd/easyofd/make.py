"""Two OFD files as easyofd (the PyPI OFD library, 2026-04-27) converts a sample PDF: one with
its text ("可编辑"), one with each page as a picture. Run once with easyofd installed in a
venv of its own (it brings PyMuPDF and reportlab, which the product does not need):

    python3 -m venv /tmp/ofdenv && /tmp/ofdenv/bin/pip install easyofd==20260427
    /tmp/ofdenv/bin/python samples/ofd/easyofd/make.py

The files are committed, so the tests need neither easyofd nor this script. What easyofd writes
differs from the standard's examples (samples/ofd/make_ofd.py): its own namespace, the page
area in points inside Content.xml, text positions at 72/200 of the PDF's, and a line split
by font into pieces that all carry the whole line's Boundary and X="0"; no path objects.
"""

import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
INBOX = HERE.parents[1] / "inbox"
MADE = {
    "四川省质量技术监督局2018年世界认可日活动总结.pdf": True,  # with its text
    "鲁质监认函〔2018〕45号.pdf": False,  # pages as pictures
}

if __name__ == "__main__":
    from easyofd.ofd import OFD

    os.chdir(HERE)  # easyofd writes a scratch folder ./test where it runs, and fails if it exists
    for name, text in MADE.items():
        shutil.rmtree(HERE / "test", ignore_errors=True)
        ofd = OFD().pdf2ofd((INBOX / name).read_bytes(), optional_text=text)
        (HERE / name).with_suffix(".ofd").write_bytes(ofd)
        sys.stderr.write(f"{name} -> {Path(name).stem}.ofd ({len(ofd)} bytes)\n")
    shutil.rmtree(HERE / "test", ignore_errors=True)
