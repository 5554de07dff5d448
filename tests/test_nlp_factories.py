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
