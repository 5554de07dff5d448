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
    with pytest.raises(RulesError, match=r"bad\.tsv:3: expected 2 non-empty tab-separated cells"):
        read_rules_tsv(bad, ("british", "american"))
    with pytest.raises(RulesError, match=r"good\.tsv:2: header is"):
        read_rules_tsv(good, ("word", "kind"))
