"""The ClinicalTrials.gov record-page reader on the three real page layouts (000 new, 003 classic, 004 old)."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.document import Document
from pipeline.readers import ctgov_page
from pipeline.errors import ReaderError

SEEDS = Path(__file__).resolve().parents[1] / "corpus" / "seeds"
NEW_SITE = SEEDS / "000_934d6b039e80ef19.txt"
CLASSIC = SEEDS / "003_9a6c68f6d1e6423e.txt"
OLD_SITE = SEEDS / "004_11f14b3a6a5796b5.txt"


def _read(path: Path) -> Document:
    return ctgov_page.read(path.read_bytes(), str(path))


@pytest.fixture(scope="module")
def new_site() -> Document:
    return _read(NEW_SITE)


@pytest.fixture(scope="module")
def classic() -> Document:
    return _read(CLASSIC)


@pytest.fixture(scope="module")
def old_site() -> Document:
    return _read(OLD_SITE)


def _sections(doc: Document, kind: str) -> list[str]:
    return [section.text for section in doc.sections if section.kind == kind]


def _outcome_kinds(doc: Document) -> list[str]:
    assert doc.trial is not None
    return [outcome.kind for outcome in doc.trial.outcomes]


def test_ctgov_page_sections_are_exact_slices_for_all_layouts(
    new_site: Document, classic: Document, old_site: Document
) -> None:
    for doc in (new_site, classic, old_site):
        assert doc.format == "ctgov_page"
        for section in doc.sections:
            assert doc.text[section.start : section.end] == section.text


def test_ctgov_page_new_site_trial_fields(new_site: Document) -> None:
    trial = new_site.trial
    assert trial is not None
    assert trial.nct_id == "NCT00389285" and new_site.nct_ids == ["NCT00389285"]
    assert new_site.title == trial.title == (
        "Study of Recombinant Interleukin 21 in Combination With Sorafenib for Metastatic Renal Cell Carcinoma"
    )
    assert trial.official_title.startswith("A Phase 1/2, Open-Label, Dose Escalation Study to Assess the Safety")
    assert trial.conditions == ["Carcinoma, Renal Cell"]
    assert trial.phases == ["Phase 1", "Phase 2"]
    assert trial.study_type == "Interventional"
    assert trial.enrollment == 52


def test_ctgov_page_new_site_interventions_with_descriptions(new_site: Document) -> None:
    assert new_site.trial is not None
    interventions = [(i.type, i.name, i.description) for i in new_site.trial.interventions]
    assert interventions == [
        ("Drug", "rIL-21 only", "Part 1: rIL-21, IV, Day 1-5 and 15-19 of each 6-week treatment course"),
        (
            "Drug",
            "rIL-21 + sorafenib",
            "Part 2: rIL-21 IV, Day 1-5 and 15-19 of each 6-week treatment course + sorafenib "
            "(up to 400 mg taken orally twice daily)",
        ),
    ]
    assert "sorafenib (up to 400 mg taken orally twice daily)" in _sections(new_site, "interventions")[0]


def test_ctgov_page_new_site_unheaded_outcomes_are_not_guessed_primary(new_site: Document) -> None:
    assert new_site.trial is not None
    outcomes = new_site.trial.outcomes
    assert [o.measure for o in outcomes] == [
        "Safety profile, including incidence and severity of adverse events",
        "Objective response rate at recommended dose of rIL-21",
        "Progression-free survival at recommended dose of rIL-21",
        "Pharmacokinetic profiles of rIL-21 and sorafenib",
    ]
    assert outcomes[0].time_frame == "During treatment and 28 days after last dose of rIL-21"
    assert _outcome_kinds(new_site) == ["unspecified"] * 4
    assert any("without a Primary/Secondary heading" in warning for warning in new_site.warnings)


def test_ctgov_page_outcome_headings_split_primary_from_secondary() -> None:
    page = NEW_SITE.read_text(encoding="utf-8")
    page = page.replace("- Safety profile", "Primary Outcome Measures :\n- Safety profile")
    page = page.replace("- Progression-free survival", "Secondary Outcome Measures :\n- Progression-free survival")
    doc = ctgov_page.read(page.encode(), "edited.txt")
    assert _outcome_kinds(doc) == ["primary", "primary", "secondary", "secondary"]
    assert not any("without a Primary/Secondary heading" in warning for warning in doc.warnings)


def test_ctgov_page_new_site_inclusion_and_exclusion_apart(new_site: Document) -> None:
    (inclusion,) = _sections(new_site, "inclusion_criteria")
    (exclusion,) = _sections(new_site, "exclusion_criteria")
    assert "Diagnosis of RCC of predominantly clear cell histology" in inclusion
    assert "Central nervous system involvement by malignancy" in exclusion
    assert "Central nervous system involvement" not in inclusion
    assert "Ages Eligible for Study: 18 Years and older (Adult, Older Adult)" in _sections(new_site, "eligibility")[0]


def test_ctgov_page_drops_page_chrome(new_site: Document, classic: Document, old_site: Document) -> None:
    for doc, chrome in (
        (new_site, ["Choosing to participate", "Dartmouth-Hitchcock", "Naomi Hunder", "Tabular View", "Last Verified"]),
        (classic, ["Choosing to participate", "Cross Cancer Institute", "History of Changes", "Neuroendocrine Tumors"]),
        (old_site, ["Try our beta test site", "Istituto Tumori Milano Recruiting", "Contact: Elena Verzoni"]),
    ):
        for phrase in chrome:
            assert phrase not in doc.text, phrase
        assert "disclaimer" not in doc.text.lower()


def test_ctgov_page_classic_layout(classic: Document) -> None:
    trial = classic.trial
    assert trial is not None
    assert trial.nct_id == "NCT00514085"
    assert trial.title == "Interleukin-21 in Treating Patients With Metastatic or Recurrent Malignant Melanoma"
    assert trial.conditions == ["Melanoma (Skin)"]
    assert trial.phases == ["Phase 2"] and trial.enrollment == 40 and trial.study_type == "Interventional"
    assert [(i.type, i.name) for i in trial.interventions] == [
        ("Biological", "recombinant human interleukin-21"),
        ("Other", "immunohistochemistry staining method"),
        ("Other", "laboratory biomarker analysis"),
        ("Other", "pharmacological study"),
    ]
    assert trial.interventions[3].description == "Starting dose of 50μg/kg/day as an IV push"
    assert "Part B will receive treatment daily x 5 on weeks 1, and 3" in trial.interventions[0].description
    assert _outcome_kinds(classic) == ["primary"] * 6
    assert trial.outcomes[0].measure == "Objective tumor response as assessed by RECIST"
    assert trial.outcomes[0].time_frame == "after completion of treatment"
    assert _sections(classic, "summary")[0].startswith("Brief Summary:\nRATIONALE: Interleukin-21 may stimulate")
    assert "OUTLINE: This is a multicenter study." in _sections(classic, "description")[0]


def test_ctgov_page_classic_criteria_without_headings_stay_one_eligibility_part(classic: Document) -> None:
    (eligibility,) = _sections(classic, "eligibility")
    assert "No known brain metastases" in eligibility
    assert "No prior chemotherapy including regional therapy" in eligibility
    assert "  • Concurrent topical steroids are allowed" in eligibility
    assert _sections(classic, "inclusion_criteria") == [] and _sections(classic, "exclusion_criteria") == []


def test_ctgov_page_old_layout(old_site: Document) -> None:
    trial = old_site.trial
    assert trial is not None
    assert trial.nct_id == "NCT01444807"
    assert old_site.title == (
        "Evaluate the Efficacy of Sorafenib in Renal Cell Carcinoma Patients After a Radical Resection of the Metastases"
    )
    assert trial.conditions == ["Metastatic Renal Cell Carcinoma"]
    assert trial.phases == ["Phase 2"] and trial.enrollment == 132
    assert _sections(old_site, "summary") == [
        "Brief Summary:\nEvaluate the efficacy and tolerability of sorafenib in RCC patients underwent to metastasectomy"
    ]
    (sorafenib,) = trial.interventions
    assert (sorafenib.type, sorafenib.name, sorafenib.description) == ("Drug", "sorafenib", "sorafenib 400 mg bid")
    assert sorafenib.arm_groups == ["Sorafenib"]
    assert sorafenib.other_names == ["Nexavar (Bayer Health Care - Leverkusen - Germany)"]
    assert "No Intervention: Best Supportive Care" in _sections(old_site, "arms")[0]


def test_ctgov_page_old_layout_outcomes(old_site: Document) -> None:
    assert old_site.trial is not None
    assert _outcome_kinds(old_site) == ["primary", "secondary", "secondary", "secondary"]
    primary, overall_survival, safety, vegf = old_site.trial.outcomes
    assert primary.measure == "Recurrence Free Survival"
    assert primary.time_frame == "December 2011 - December 2014 (3 years)"
    assert primary.description.startswith("Efficacy of Sorafenib compared with BSC")
    assert overall_survival.description == ""
    assert safety.description.startswith("Physical examination, vital signs")
    assert vegf.measure == "Vascular endothelial growth factors (VEGF) levels in BSC and Sorafenib arm."


def test_ctgov_page_old_layout_criteria_blocks_read_as_inclusion_then_exclusion(old_site: Document) -> None:
    (inclusion,) = _sections(old_site, "inclusion_criteria")
    (exclusion,) = _sections(old_site, "exclusion_criteria")
    assert "• Age ≥ 18 years" in inclusion and "History of organ allograft" not in inclusion
    assert "• History of organ allograft" in exclusion and "Patients unable to swallow oral medications" in exclusion
    assert any("read as inclusion then exclusion" in warning for warning in old_site.warnings)


def test_ctgov_page_document_round_trips_through_json_dict(old_site: Document) -> None:
    assert Document.from_dict(old_site.to_dict()) == old_site


def test_ctgov_page_without_nct_number_is_rejected() -> None:
    page = "A Study of Something\nListing a study does not mean it has been evaluated\nStudy Type : Interventional\n"
    with pytest.raises(ReaderError, match="without an NCT number"):
        ctgov_page.read(page.encode(), "page.txt")


@pytest.mark.parametrize(
    ("raw", "cause"),
    [(b"", "empty file"), (b"Identifier: caf\xe9", "not UTF-8"), (b"\x00\x01\x02\x03" * 64, "binary data")],
)
def test_ctgov_page_rejects_unreadable_input(raw: bytes, cause: str) -> None:
    with pytest.raises(ReaderError) as error:
        ctgov_page.read(raw, "page.txt")
    assert cause in error.value.cause
