"""Process-wide settings belong to the entry points (pipeline/process.py), never to library code."""
import json
import logging
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SETTINGS = """
import gc, json, logging, warnings
# the libraries TrialGraph builds on set warning filters of their own when imported
import networkx, pdfplumber, pypdf, pypdfium2, scispacy.abbreviation, scispacy.custom_tokenizer, sklearn, spacy
def settings():
    return {"warning_filters": len(warnings.filters), "frozen": gc.get_freeze_count(),
            "pypdf_level": logging.getLogger("pypdf").level, "gc_enabled": gc.isenabled()}
"""


def _settings_after(code: str) -> dict:
    script = SETTINGS + f"before = settings()\n{code}\nprint(json.dumps([before, settings()]))"
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_process_library_code_changes_no_process_settings(tmp_path):
    graph = tmp_path / "graph.json"
    graph.write_text(json.dumps({"directed": True, "multigraph": True, "graph": {}, "nodes": [{"id": "a"}, {"id": "b"}],
                                 "edges": [{"source": "a", "target": "b", "key": 0}]}))
    before, after = _settings_after(f"""
from pipeline.nlp.language import default_nlp, annotate_document
from pipeline.readers import read_bytes
import pipeline.readers.pdf, pipeline.readers.pdf_pages
from pipeline.graph.export import read_graph_json
from pipeline.document import Document
nlp = default_nlp()
nlp("Sorafenib 400 mg twice daily caused grade 3 rash.")
read_graph_json({str(graph)!r})
""")
    assert after == before


def test_process_entry_points_configure_and_freeze_once():
    before, after = _settings_after("""
from pipeline.batch.work import worker_nlp
first = worker_nlp()
frozen = gc.get_freeze_count()
assert worker_nlp() is first and gc.get_freeze_count() == frozen
""")
    assert after["warning_filters"] > before["warning_filters"]
    assert after["pypdf_level"] == logging.ERROR and after["frozen"] > before["frozen"]
