"""Regenerate the README's pictures (docs/digest.png, docs/digest-submissions.png, docs/shortlist.png,
docs/national-summary.png, docs/reminder.png).

Why: the pictures were once made by hand from an older sample corpus and no longer matched what a
run gives. This script makes them from the current samples in one go (`make docs`): it copies
samples/inbox into a temporary folder with the sample arrival times (git keeps no file times; the
repository is never written to except docs/*.png), runs the pipeline without Prefect, prints
digest.xlsx and shortlist.docx to PDF with LibreOffice headless (private profile, time limit) and
renders the first page of the 总览 and 报送情况 sheets, the first two shortlist pages, the first
two pages of the national summary and the 催报 notice's first page with pypdfium2. A sheet's pages are found by its header row at the top of the page, so the order of the
sheets and hidden sheets (never printed by LibreOffice) do not matter.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
from openpyxl import load_workbook
from PIL import Image, ImageChops, ImageOps

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SHEET_PICTURES = {"总览": "digest.png", "报送情况": "digest-submissions.png"}
SHEET_SCALE = 2.0  # pixels per PDF point: the sheets' small table text stays readable
PAGE_SCALE = 1.5  # shortlist pages, larger type
CONVERT_TIMEOUT = 300  # seconds for LibreOffice


def fail(message: str) -> None:
    print(message, file=sys.stderr)
    raise SystemExit(1)


def sample_inbox(work: Path) -> Path:
    """samples/inbox copied into work/, with the arrival times make_samples.py gives the samples."""
    inbox = work / "inbox"
    shutil.copytree(ROOT / "samples" / "inbox", inbox)
    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "samples" / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_samples"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    if module.restore_mtimes(inbox, ROOT / "samples" / "labels.json"):
        fail("样例文件不全（见上方 missing 行），无法生成示意图")
    return inbox


def to_pdf(soffice: str, files: list[Path], outdir: Path, profile: Path) -> list[Path]:
    command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
    command += ["--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=CONVERT_TIMEOUT)
    except subprocess.TimeoutExpired:
        fail(f"LibreOffice 在 {CONVERT_TIMEOUT} 秒内没有完成 PDF 转换")
    pdfs = [outdir / f"{f.stem}.pdf" for f in files]
    missing = [p.name for p in pdfs if not p.exists()]
    if missing:
        fail(
            f"LibreOffice 没能生成 {'、'.join(missing)}（digest.xlsx 需要 Calc 组件："
            f"apt-get install libreoffice-calc-nogui）\n{result.stdout}{result.stderr}"
        )
    return pdfs


def squeeze(text: str) -> str:
    return "".join(text.split())


def sheet_pages(xlsx: Path, pdf: pdfium.PdfDocument, names) -> dict[str, int]:
    """The first PDF page of each named sheet: the page whose text begins with the sheet's header row."""
    wb = load_workbook(xlsx, read_only=True)
    headers = {name: squeeze("".join(str(v) for v in next(wb[name].values) if v is not None)) for name in names}
    wb.close()
    texts = [squeeze(page.get_textpage().get_text_range()) for page in pdf]
    found = {}
    for name, header in headers.items():
        pages = [i for i, text in enumerate(texts) if header and text.startswith(header)]
        if not pages:
            fail(f"在 digest.pdf 中找不到工作表“{name}”（表头 {header}）")
        found[name] = pages[0]
    return found


def render(pdf: pdfium.PdfDocument, index: int, scale: float, trim: bool) -> Image.Image:
    """One page as an RGB image, optionally with the white margins trimmed (a little white left around)."""
    image = pdf[index].render(scale=scale).to_pil().convert("RGB")
    box = ImageChops.difference(image, Image.new("RGB", image.size, "white")).getbbox()
    return ImageOps.expand(image.crop(box), border=int(12 * scale), fill="white") if trim and box else image


def side_by_side(pages: list[Image.Image]) -> Image.Image:
    """Whole pages next to each other, each framed in grey so the page edges show."""
    framed = [ImageOps.expand(p, border=2, fill="#b0b0b0") for p in pages]
    gap = int(16 * PAGE_SCALE)
    sheet = Image.new(
        "RGB",
        (sum(p.width for p in framed) + gap * (len(framed) + 1), max(p.height for p in framed) + 2 * gap),
        "white",
    )
    x = gap
    for page in framed:
        sheet.paste(page, (x, gap))
        x += page.width + gap
    return sheet


def save(image: Image.Image, name: str) -> None:
    target = DOCS / name
    image.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
    print(f"{target.relative_to(ROOT)}: {image.width}×{image.height}，{target.stat().st_size // 1024} KB")


def main() -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        fail(
            "没有找到 LibreOffice（soffice），无法把 digest.xlsx 和 shortlist.docx 转成 PDF；"
            "请先安装：apt-get install libreoffice-calc-nogui libreoffice-writer-nogui fonts-noto-cjk"
        )
    sys.dont_write_bytecode = True  # no __pycache__ in samples/ from loading make_samples.py
    sys.path.insert(0, str(ROOT))  # this checkout's pipeline, whichever virtualenv runs the script
    from pipeline.run import run

    with tempfile.TemporaryDirectory(prefix="digest-docs-") as tmp:
        work = Path(tmp)
        out = work / "out"
        report = run(sample_inbox(work), out, workers=2)
        print(f"已读取 {report['files']} 个文件")
        files = ["digest.xlsx", "shortlist.docx", "national_summary.docx", "reminder.docx"]
        digest_pdf, shortlist_pdf, national_pdf, reminder_pdf = to_pdf(
            soffice, [out / f for f in files], work / "pdf", work / "lo-profile"
        )
        digest = pdfium.PdfDocument(digest_pdf)
        for sheet, index in sheet_pages(out / "digest.xlsx", digest, SHEET_PICTURES).items():
            save(render(digest, index, SHEET_SCALE, trim=True), SHEET_PICTURES[sheet])
        shortlist = pdfium.PdfDocument(shortlist_pdf)
        save(
            side_by_side([render(shortlist, i, PAGE_SCALE, trim=False) for i in range(min(2, len(shortlist)))]),
            "shortlist.png",
        )
        digest.close()
        shortlist.close()
        for pdf_path, name, pages in ((national_pdf, "national-summary.png", 2), (reminder_pdf, "reminder.png", 1)):
            pdf = pdfium.PdfDocument(pdf_path)
            save(side_by_side([render(pdf, i, PAGE_SCALE, trim=False) for i in range(min(pages, len(pdf)))]), name)
            pdf.close()


if __name__ == "__main__":
    main()
