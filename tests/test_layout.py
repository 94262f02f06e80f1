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
