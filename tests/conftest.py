"""Shared fixtures: the committed sample inbox and its gold labels."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from pipeline.campaign import load_campaign
from pipeline.model import Source
from pipeline.readers.detect import detect_format

ROOT = Path(__file__).resolve().parents[1]
INBOX = ROOT / "samples" / "inbox"
LABELS = json.loads((ROOT / "samples" / "labels.json").read_text(encoding="utf-8"))

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice (soffice) is not installed; .ci/run installs it",
)


def sample(
    source: str | None = None, fmt: str | None = None, status: str | None = None, name_has: str | None = None
) -> Path:
    """The one sample file matching the given label fields (the generator names the files)."""
    for label in LABELS:
        if "/" in label["file"] and label["file"].split("/")[0].endswith(".zip"):
            continue
        if source is not None and label.get("source") != source:
            continue
        if fmt is not None and label["format"] != fmt:
            continue
        if status is not None and label["status"] != status:
            continue
        if name_has is not None and name_has not in label["file"]:
            continue
        return INBOX / label["file"]
    raise LookupError(f"no sample with source={source} format={fmt} status={status}")


def label_of(path: Path) -> dict:
    rel = path.relative_to(INBOX).as_posix()
    return next(label for label in LABELS if label["file"] == rel)


def source_for(path: Path, data: bytes | None = None) -> Source:
    data = path.read_bytes() if data is None else data
    rel = path.relative_to(INBOX).as_posix() if path.is_relative_to(INBOX) else path.name
    return Source(rel, "", len(data), detect_format(data, rel))


@pytest.fixture(scope="session", autouse=True)
def sample_arrival_times():
    """Git does not keep file times; give the samples their arrival times as `make run` does."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "samples" / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_samples"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    module.restore_mtimes(INBOX, ROOT / "samples" / "labels.json")


@pytest.fixture(scope="session")
def campaign():
    return load_campaign()


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory):
    """One embedded Prefect for all flow tests, its home in a temporary folder."""
    import os

    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness():
        yield


@pytest.fixture(scope="session")
def sample_batches(campaign):
    """Fresh copies of the samples' records as read, before merging (reading is the slow part)."""
    import copy

    from pipeline.inbox import discover
    from pipeline.run import read_files

    raw = read_files(discover(INBOX), campaign)
    return lambda: [copy.deepcopy(raw)]


@pytest.fixture(scope="session")
def sample_records(sample_batches, campaign):
    from pipeline.run import merge

    return merge(sample_batches(), {}, campaign)
