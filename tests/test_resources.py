"""Shipped data files: the fingerprint that versions pipeline results (pipeline/resources.py)."""
from pathlib import Path

from pipeline.resources import data_fingerprint


def _models(root: Path) -> Path:
    (root / "rules").mkdir(parents=True)
    (root / "lexicons" / "sources").mkdir(parents=True)
    (root / "rules" / "routes.tsv").write_text("oral\tPO\n")
    (root / "rules" / "README.md").write_text("# rules\n")
    (root / "lexicons" / "sources" / "mesh_names.tsv.gz").write_bytes(b"source")
    return root


def test_resources_fingerprint_changes_with_data_not_with_documentation_or_sources(tmp_path):
    models = _models(tmp_path / "models")
    before = data_fingerprint(models)
    (models / "rules" / "README.md").write_text("# rules, explained better\n")
    (models / "lexicons" / "sources" / "mesh_names.tsv.gz").write_bytes(b"refreshed source")
    assert data_fingerprint(models) == before
    (models / "rules" / "routes.tsv").write_text("oral\tPO\nintravenous\tIV\n")
    assert data_fingerprint(models) != before


def test_resources_rule_file_errors_name_the_file_and_line(tmp_path):
    import pytest

    from pipeline.errors import RulesError
    from pipeline.resources import read_rules_tsv

    good = tmp_path / "good.tsv"
    good.write_text("# a comment\nbritish\tamerican\naem\tem\n\noea\tea\n")
    assert read_rules_tsv(good, ("british", "american")) == [{"british": "aem", "american": "em"},
                                                             {"british": "oea", "american": "ea"}]
    bad = tmp_path / "bad.tsv"
    bad.write_text("british\tamerican\naem\tem\noea ea\n")
    with pytest.raises(RulesError, match=r"bad\.tsv:3: expected 2 tab-separated cells"):
        read_rules_tsv(bad, ("british", "american"))
    with pytest.raises(RulesError, match=r"good\.tsv:2: header is"):
        read_rules_tsv(good, ("word", "kind"))
    empty = tmp_path / "empty.tsv"
    empty.write_text("british\tamerican\naem\t\n")
    with pytest.raises(RulesError, match=r"empty\.tsv:2: empty american"):
        read_rules_tsv(empty, ("british", "american"))
    assert read_rules_tsv(empty, ("british", "american"), optional=("american",)) == [{"british": "aem", "american": ""}]


def test_resources_every_rule_reader_reports_the_file_and_line(tmp_path):
    import shutil

    import pytest

    from pipeline.errors import RulesError
    from pipeline.nlp.context import ContextRules
    from pipeline.nlp.doses import DoseRules
    from pipeline.resources import MODELS_DIR, compile_rule, read_rules_json

    rules = tmp_path / "rules"
    shutil.copytree(MODELS_DIR / "rules", rules)
    with open(rules / "routes.tsv", "a", encoding="utf-8") as handle:
        handle.write("by mouth\toral\n")  # two cells where the header names six
    lines = (rules / "routes.tsv").read_text(encoding="utf-8").count("\n")
    with pytest.raises(RulesError, match=rf"routes\.tsv:{lines}: expected 6 tab-separated cells"):
        DoseRules(rules)
    with pytest.raises(RulesError, match=r"cues\.tsv:4: not a valid regular expression"):
        compile_rule(tmp_path / "cues.tsv", 4, "adverse (events")
    (tmp_path / "context.json").write_text('{"window": 5,\n "negation_cues": [}\n')
    with pytest.raises(RulesError, match=r"context\.json:2: not valid JSON"):
        read_rules_json(tmp_path / "context.json")
    (tmp_path / "context.json").write_text('{"window": 5}')
    with pytest.raises(RulesError, match=r"context\.json: missing keys"):
        ContextRules.load(tmp_path / "context.json")
    from pipeline.nlp.endpoint_results import EndpointResultReader

    (tmp_path / "endpoint_results.json").write_text('{"units": {"%": "%"}, "linkers": ["was"], "qualifiers": []}')
    with pytest.raises(RulesError, match=r"endpoint_results\.json: qualifiers, max_gap_words missing or malformed"):
        EndpointResultReader(tmp_path / "endpoint_results.json").ensure_loaded()
