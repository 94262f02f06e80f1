"""The library knows nothing of Prefect or of the flows above it (README, "How it is built")."""

import ast

from tests.conftest import ROOT

FORBIDDEN = ("prefect", "flows")


def _imported(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def test_the_library_imports_neither_prefect_nor_the_flows():
    sources = sorted((ROOT / "pipeline").rglob("*.py"))
    assert sources
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in sources
        for name in _imported(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        if name.split(".")[0] in FORBIDDEN
    ]
    assert offenders == []


def test_the_check_sees_every_form_of_import():
    tree = ast.parse(
        "import prefect\nimport os, flows.nightly as n\nfrom prefect.flows import flow\ndef f():\n import flows"
    )
    assert [name for name in _imported(tree) if name.split(".")[0] in FORBIDDEN] == [
        "prefect",
        "flows.nightly",
        "prefect.flows",
        "flows",
    ]


def test_status_and_help_do_not_import_prefect(tmp_path):
    """They are the quick commands: Prefect's import alone costs more than a second."""
    import subprocess
    import sys

    probe = (
        "import sys, contextlib, io\n"
        "from flows.cli import main\n"
        f"main(['status', '--out', {str(tmp_path)!r}])\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--help'])\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['serve', '--help'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'prefect'))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_table_without_rules_ends_before_the_lines_set_apart_below_it():
    """A text page's table found by its columns keeps its rows; the 落款 and a page number
    below it, short lines as a wrapped cell would be, stay prose."""
    from pipeline.readers.layout import text_lines
    from pipeline.readers.ocr import split_tables

    def chars(text: str, x0: float, top: float, size: float = 12.0) -> list[dict]:
        return [
            {"text": ch, "x0": x0 + k * size, "x1": x0 + (k + 1) * size, "top": top, "bottom": top + size, "size": size}
            for k, ch in enumerate(text)
        ]

    page = []
    for top, row in ((100, ("地区", "场次", "参与人次")), (118, ("武汉市", "5", "300")), (136, ("襄阳市", "3", "400"))):
        for x0, cell in zip((50, 150, 250), row):
            page += chars(cell, x0, top)
    page += chars("湖北省质量技术监督局", 300, 190) + chars("2018年7月12日", 320, 208) + chars("-3-", 200, 400)
    [table], _, prose = split_tables(text_lines(page))
    assert table == [["地区", "场次", "参与人次"], ["武汉市", "5", "300"], ["襄阳市", "3", "400"]]
    assert [ln["text"] for ln in prose] == ["湖北省质量技术监督局", "2018年7月12日", "-3-"]
