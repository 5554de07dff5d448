"""Fault isolation: a corrupt PDF and documents over the time limit are recorded with their errors while the
rest of the batch is processed; a document over the character limit is cut and stored with a warning."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from pipeline.batch.run import run
from pipeline.limits import DocumentLimits
from pipeline.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "seeds" / "001_fe72475fe2fab39f.txt"
PUBMED_SET = ROOT / "tests" / "fixtures" / "pubmed" / "pubmed_set.xml"
PDF = ROOT / "corpus" / "pdfs" / "Hawkes2012_BMCCancer_CanPrevent_pilot.pdf"


def test_batch_faults_bad_documents_are_recorded_and_the_batch_goes_on(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED, inputs)
    shutil.copy(PUBMED_SET, inputs)
    pdf = PDF.read_bytes()
    (inputs / "corrupt.pdf").write_bytes(pdf[:2000] + bytes(200) + pdf[-2000:])
    sentence = "Sorafenib 400 mg was given twice daily and fatigue was reported in 12 patients. "
    # an abstract longer than the character limit: cut to 5,000,000 characters, still far over the time limit
    long_abstract = sentence * (5_000_000 // len(sentence) + 10)
    (inputs / "huge.xml").write_text(PUBMED_SET.read_text().replace(
        "<AbstractText>A 54-year-old woman", f"<AbstractText>{long_abstract} A 54-year-old woman"))
    # fine, but takes far longer than the time limit
    (inputs / "slow.txt").write_text((sentence * 40 + "\n\n") * 700)
    out = tmp_path / "out"
    report = run([inputs], out, progress=False, workers=2, time_limit=3)
    failed = {Path(path).name: error for path, error in report.failures}
    assert set(failed) == {"corrupt.pdf", "huge.xml#90000002", "slow.txt"}
    assert "exceeded the time limit of 3 s" in failed["huge.xml#90000002"]
    assert "exceeded the time limit of 3 s" in failed["slow.txt"]
    assert failed["corrupt.pdf"].startswith(str(inputs / "corrupt.pdf"))
    assert report.processed == 4  # the seed and the three PubMed articles
    # huge.xml comes first: its two fine articles are stored, the same two in pubmed_set.xml are unchanged
    assert report.unchanged == 2
    with Store(out / "trialgraph.db") as store:
        sources = {Path(s.document.source_path).name for s in store.documents()}
        recorded = dict(store.connection.execute("SELECT source_path, error FROM failures"))
    assert sources == {SEED.name, "huge.xml#90000001", f"{PUBMED_SET.name}#90000002", "huge.xml#90000003"}
    assert {Path(p).name for p in recorded} == set(failed)
    saved = json.loads((out / "run_report.json").read_text())
    assert saved["failed"] == 3 and saved["processed"] == 4 and saved["documents_per_second"] > 0


def test_batch_faults_document_over_the_character_limit_is_cut_and_stored_with_a_warning(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    sentence = "Sorafenib 400 mg was given twice daily and fatigue was reported in 12 patients. "
    (inputs / "long.txt").write_text("Long report\n\n" + (sentence * 20 + "\n\n") * 40)
    report = run([inputs], tmp_path / "out", progress=False, workers=1,
                 limits=DocumentLimits(max_characters=20_000, piece_characters=5_000))
    assert (report.processed, report.failures) == (1, [])
    (path, warning), = report.warnings
    assert path == str(inputs / "long.txt") and "cut from 64,051 to 19," in warning and "limit of 20,000" in warning
    with Store(tmp_path / "out" / "trialgraph.db") as store:
        (stored,) = store.documents()
    assert len(stored.document.text) <= 20_000 and warning in stored.document.warnings
    assert max(e.end for e in stored.entities) > 18_000  # annotated in pieces, to the end
