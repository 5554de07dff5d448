"""`trialgraph evaluate`: scores against a tiny gold, computed by hand; the gold readers; the command itself."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipeline.annotate import annotate_jsonl
from pipeline.evaluate.annotations import GoldPair, evaluate, load_gold, score

TITLE = "Cisplatin nephrotoxicity and ototoxicity in children"
ABSTRACT = "Children given cisplatin had hearing loss."
# PubTator gold: three mentions in the title, one in the abstract, two chemical-induced disease pairs
GOLD = (f"9001|t|{TITLE}\n9001|a|{ABSTRACT}\n"
        "9001\t0\t9\tCisplatin\tChemical\tD002945\n"
        "9001\t10\t24\tnephrotoxicity\tDisease\tD007674\n"
        "9001\t29\t40\tototoxicity\tDisease\tD006311\n"
        "9001\t68\t77\tcisplatin\tChemical\tD002945\n"
        "9001\tCID\tD002945\tD007674\n"
        "9001\tCID\tD002945\tD006311\n")


def entity(text: str, phrase: str, label: str, norm=(), after: int = 0, **extra) -> dict:
    start = text.index(phrase, after)
    return {"start": start, "end": start + len(phrase), "label": label, "text": phrase, "norm": list(norm), **extra}


@pytest.fixture()
def gold_file(tmp_path):
    path = tmp_path / "gold.pubtator"
    path.write_text(GOLD)
    return path


def test_evaluate_annotations_hand_computed_figures(gold_file):
    gold = load_gold(gold_file)
    assert len(gold) == 1 and gold[0].text == f"{TITLE}\n{ABSTRACT}"
    text = gold[0].text
    predicted = {"entities": [
        entity(text, "Cisplatin", "DRUG", ["MESH:D002945"]),             # right
        entity(text, "nephrotoxicity", "ADVERSE_EVENT", ["MESH:D007674"]),  # right (a DISEASE of the gold)
        entity(text, "ototox", "CONDITION"),                              # overlaps ototoxicity only
        entity(text, "children", "DRUG"),                                 # wrong
        entity(text, "hearing loss", "ADVERSE_EVENT", concept_start=text.index("hearing"),
               concept_end=text.index("hearing") + 7),                    # not in the gold
    ], "relations": [
        {"head": 0, "tail": 1, "label": "HAS_ADVERSE_EVENT"},  # cisplatin -> nephrotoxicity: a gold pair
        {"head": 3, "tail": 1, "label": "HAS_ADVERSE_EVENT"},  # children -> nephrotoxicity: not
        {"head": 0, "tail": 4, "label": "TREATS"},             # a label the gold does not have: not scored
    ]}
    report = score(gold, [predicted]).to_dict()
    drug, disease = report["entities"]["DRUG"], report["entities"]["DISEASE"]
    # DRUG: gold Cisplatin, cisplatin; predicted Cisplatin (right), children (wrong)
    assert drug["strict"] == {"gold": 2, "predicted": 2, "matched_gold": 1, "matched_predicted": 1,
                              "precision": 0.5, "recall": 0.5, "f1": 0.5}
    # DISEASE: gold nephrotoxicity, ototoxicity; predicted nephrotoxicity (right), ototox (overlap), hearing loss
    assert disease["strict"] == {"gold": 2, "predicted": 3, "matched_gold": 1, "matched_predicted": 1,
                                 "precision": 0.3333, "recall": 0.5, "f1": 0.4}
    assert disease["overlap"] == {"gold": 2, "predicted": 3, "matched_gold": 2, "matched_predicted": 2,
                                  "precision": 0.6667, "recall": 1.0, "f1": 0.8}
    assert report["relations"] == {"HAS_ADVERSE_EVENT": {"gold": 2, "predicted": 2, "matched_gold": 1,
                                                         "matched_predicted": 1, "precision": 0.5, "recall": 0.5,
                                                         "f1": 0.5}}


def test_evaluate_annotations_concept_span_counts_for_disease_gold(gold_file):
    gold = load_gold(gold_file)
    text = gold[0].text
    phrase = entity(text, "nephrotoxicity and ototoxicity", "ADVERSE_EVENT", concept_start=text.index("ototoxicity"),
                    concept_end=text.index("ototoxicity") + len("ototoxicity"))
    counts = score(gold, [{"entities": [phrase], "relations": []}]).strict["DISEASE"]
    assert (counts.matched_gold, counts.matched_predicted, counts.predicted) == (1, 1, 1)


def test_evaluate_annotations_reads_ade_folder(tmp_path):
    (tmp_path / "DRUG-AE.rel").write_text(
        "10030778|Intravenous azithromycin-induced ototoxicity.|ototoxicity|43|54|azithromycin|22|34\n")
    (tmp_path / "DRUG-DOSE.rel").write_text(
        "10030779|Methotrexate 1500 mg/m2 was followed by encephalopathy.|1500 mg/m2|0|0|Methotrexate|0|0\n")
    gold = {g.text: g for g in load_gold(tmp_path)}
    first = gold["Intravenous azithromycin-induced ototoxicity."]
    assert sorted((m.start, m.end, m.label) for m in first.mentions) == [(12, 24, "DRUG"), (33, 44, "ADVERSE_EVENT")]
    assert first.pairs == (GoldPair("HAS_ADVERSE_EVENT", frozenset({"azithromycin"}), frozenset({"ototoxicity"})),)
    second = gold["Methotrexate 1500 mg/m2 was followed by encephalopathy."]
    assert second.pairs == (GoldPair("HAS_DOSE", frozenset({"methotrexate"}), frozenset({"1500 mg/m2"})),)


def test_evaluate_annotations_own_output_as_gold_scores_one(tmp_path, full_nlp):
    texts = [{"id": "1", "text": "Sorafenib 400 mg twice daily caused grade 3 rash and fatigue in patients with "
              "renal cell carcinoma."}, {"id": "2", "text": "Nausea was reported with cisplatin."}]
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(t) + "\n" for t in texts))
    for fmt, name in (("pubtator", "gold.pubtator"), ("bioc", "gold.xml")):
        annotate_jsonl(str(tmp_path / "in.jsonl"), str(tmp_path / name), fmt=fmt)
        report = evaluate(tmp_path / name)
        assert report.format == fmt and report.documents == 2 and len(report.strict) >= 2
        assert all(c.precision == c.recall == 1.0 for c in report.strict.values()), report.to_dict()
        assert report.relations and all(c.recall == 1.0 for c in report.relations.values())


def test_evaluate_annotations_command_prints_table_and_json(gold_file):
    command = [sys.executable, "-m", "pipeline.cli", "evaluate", str(gold_file)]
    table = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert table.returncode == 0, table.stderr
    assert "1 documents" in table.stdout and any(line.split()[:3] == ["DRUG", "strict", "2"]
                                                 for line in table.stdout.splitlines())
    as_json = subprocess.run(command + ["--json", "--format", "pubtator"], capture_output=True, text=True, timeout=600)
    data = json.loads(as_json.stdout)
    assert data["entities"]["DISEASE"]["strict"]["gold"] == 2 and data["relations"]["HAS_ADVERSE_EVENT"]["gold"] == 2
    wrong = subprocess.run([sys.executable, "-m", "pipeline.cli", "evaluate", str(gold_file.parent / "none.txt")],
                           capture_output=True, text=True, timeout=120)
    assert wrong.returncode == 2 and "no gold at" in wrong.stderr
