"""Shared by the review tests: a small real store, a table document, and the review app served on a free port."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from helpers import serving
from pipeline.batch.run import STORE_NAME, run
from pipeline.document import Document, Table
from pipeline.records import IncidenceFact, RegimenDrug
from pipeline.review.app import create_app
from pipeline.store import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "review"
NOTE_TEXT = (FIXTURES / "sorafenib_rash_note.txt").read_text(encoding="utf-8")
TABLE_SOURCE = "tables/sorafenib_adverse_events.txt"
INCIDENCE = IncidenceFact(
    table="T2", row=0, column=1, cell="31 (94)", event="Rash", norm=("MESH:D005076",), concept="rash", grade="any",
    n=31, total=33, percent=94.0, arm="Sorafenib", arm_kind=None,
    regimen=(RegimenDrug(name="sorafenib", norm=("MESH:D000077157",)),), dose=None, serious=None, warnings=(),
    column_label=None, group=None, section=None, category=None, laboratory=False)


def build_store(directory: Path) -> Path:
    """`trialgraph run` over the review fixtures (one short note about sorafenib) into `directory`."""
    run([FIXTURES], directory, progress=False, workers=1)
    return directory


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The review store, built once per test module; tests change only their copy (`out`)."""
    return build_store(tmp_path_factory.mktemp("review_built"))


@pytest.fixture
def out(built: Path, tmp_path: Path) -> Path:
    """A fresh copy of the review store for one test."""
    shutil.copytree(built, tmp_path / "out")
    return tmp_path / "out"


def add_table_document(directory: Path) -> str:
    """Store a document whose adverse-event table gave one incidence fact; returns its id."""
    table = Table(id="T2", caption="Adverse events <i>any grade</i>", header_rows=[["Event", "Sorafenib (n=33)"]],
                  rows=[["Rash", "31 (94)"], ["Diarrhoea", "10 (30)"]])
    document = Document(id="doc-table0000000001", source_path=TABLE_SOURCE, format="text",
                        title="Sorafenib adverse events", text="Table 2 lists adverse events by arm.",
                        tables=[table])
    with Store(directory / STORE_NAME) as store:
        store.save(document, {"entities": [], "relations": [], "facts": [INCIDENCE]}, "test")
    return document.id


def span(phrase: str, occurrence: int = 0) -> tuple[int, int]:
    """Offsets of the `occurrence`-th `phrase` in the fixture note."""
    start = -1
    for _ in range(occurrence + 1):
        start = NOTE_TEXT.index(phrase, start + 1)
    return start, start + len(phrase)


def settle(app) -> None:
    """Wait until the app's background rebuild of the graph exports (what `trialgraph query` reads) is done."""
    from pipeline.review.app import EXPORTS_EXTENSION

    assert app.extensions[EXPORTS_EXTENSION].wait(timeout=120), "the graph exports were not rebuilt in 120 s"


def wait_for_exports(base: str, timeout: float = 120.0) -> None:
    """Wait until the served app's page header says the graph exports are up to date."""
    import time
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(base + "/audit?limit=1") as response:
            if "graph exports up to date" in response.read().decode():
                return
        time.sleep(0.2)
    raise AssertionError(f"the graph exports were not rebuilt within {timeout:.0f} s")


@contextmanager
def running_app(output_dir: Path, curator: str = "tester", port: int = 0) -> Iterator[str]:
    """The review app on 127.0.0.1 and `port` (0: a free one), in a thread; yields its base URL."""
    with serving(create_app(output_dir, curator=curator), port) as base:
        yield base
