"""Each component is a spaCy factory usable on a plain blank pipeline (the entry point registers them)."""
from __future__ import annotations

import subprocess
import sys


def test_nlp_factories_doses_on_a_blank_pipeline_in_a_fresh_process():
    code = (
        "import spacy\n"
        "nlp = spacy.blank('en')\n"
        "nlp.add_pipe('trialgraph_sentences')\n"
        "nlp.add_pipe('trialgraph_doses')\n"
        "doc = nlp('Sorafenib was given at 400 mg orally twice daily.')\n"
        "print([(e.text, e.label_, e._.dose.unit, e._.dose.route) for e in doc.ents])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "('400 mg orally twice daily', 'DOSE', 'mg', 'oral')" in result.stdout


def test_nlp_factories_every_component_registered():
    import spacy

    nlp = spacy.blank("en")
    for name in ("trialgraph_sentences", "trialgraph_lexicon", "trialgraph_doses", "trialgraph_context",
                 "trialgraph_relations"):
        nlp.add_pipe(name)
    doc = nlp("Grade 3 rash occurred with sorafenib 400 mg twice daily.")
    assert {(e.text, e.label_) for e in doc.ents} >= {("rash", "ADVERSE_EVENT"), ("sorafenib", "DRUG")}
    assert doc._.relations


ROUND_TRIP_TEXTS = [
    "Patients received doxorubicin-induced cardiotoxicity prophylaxis with dexrazoxane 300 mg/m2 IV every 3 weeks.",
    "Grade 3 rash and fever occurred in 4 patients on sorafenib 400 mg twice daily; no neutropenia was seen.",
    "Exclusion criteria: prior therapy with sunitinib. The objective response rate was 21% (95% CI: 9, 38.9).",
]
ANNOTATIONS = """
def annotations(nlp, texts):
    out = []
    for doc in nlp.pipe(texts):
        ents = [(e.text, e.label_, e._.norm, e._.concept, e._.context, e._.negated, e._.grade, e._.source,
                 e._.result, e._.dose.unit if e._.dose else None) for e in doc.ents]
        relations = [(r.head, r.tail, r.label, r.confidence, r.extractor) for r in doc._.relations or []]
        out.append([[t.text for t in doc], ents, relations])
    return out
"""


def test_nlp_factories_analyze_pipes_reports_no_problems():
    from pipeline.nlp.language import build_nlp

    analysis = build_nlp().analyze_pipes()
    assert not any(analysis["problems"].values()), analysis["problems"]
    assert "span._.norm" in analysis["summary"]["trialgraph_concepts"]["assigns"]


def test_nlp_factories_saved_pipeline_annotates_alike_without_models(tmp_path):
    import json
    import shutil

    from pipeline.nlp.language import build_nlp

    namespace: dict = {}
    exec(ANNOTATIONS, namespace)
    expected = json.loads(json.dumps(namespace["annotations"](build_nlp(), ROUND_TRIP_TEXTS)))
    build_nlp().to_disk(tmp_path / "saved")
    shutil.move(tmp_path / "saved", tmp_path / "moved")
    # models/ is swapped for a folder holding only a hyphen-suffix list that splits nothing: spaCy makes the
    # tokenizer from the config before the saved tokenizer rules replace it, and nothing else may read models/
    decoy = tmp_path / "decoy_models"
    (decoy / "rules").mkdir(parents=True)
    (decoy / "rules" / "hyphen_suffixes.txt").write_text("nothingsplits\n")
    code = (
        "import json, sys\nfrom pathlib import Path\nimport pipeline.nlp.language\nimport pipeline.resources\n"
        f"pipeline.resources.MODELS_DIR = Path({str(decoy)!r})\n"
        "import spacy\n"
        f"nlp = spacy.load({str(tmp_path / 'moved')!r})\n"
        f"{ANNOTATIONS}\n"
        f"print(json.dumps(annotations(nlp, {ROUND_TRIP_TEXTS!r})))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == expected
    assert (tmp_path / "moved" / "trialgraph_context" / "context.json").is_file()
    assert (tmp_path / "moved" / "trialgraph_trained_ner" / "model" / "config.cfg").is_file()
