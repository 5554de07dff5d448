"""CTCAE grade labels, one home (pipeline/grades.py)."""
import pytest

from pipeline.grades import Grade, grade_floor


@pytest.mark.parametrize("written, label", [
    ("3", "3"), ("≥ 3", ">=3"), (">=3", ">=3"), ("3 or 4", "3-4"), ("3/4", "3-4"), ("4–3", "3-4"),
    ("III", "3"), ("iii or iv", "3-4"), ("any", "any"), ("5", "5")])
def test_grades_written_grades_become_stored_labels(written, label):
    assert Grade.from_words(written).label == label
    assert Grade.from_label(label).label == label  # a stored label reads back as itself


def test_grades_floor_and_severity():
    assert [grade_floor(x) for x in ("3", ">=3", "3-4", "any", None, "mild")] == [3, 3, 3, 0, None, None]
    assert Grade.from_label("3-4").severe and not Grade.from_label("2-3").severe and not Grade.from_label("any").severe
    assert Grade.from_label("3 or 4") is None and Grade.from_words("grade") is None


def test_grades_prose_grade_range_is_one_label():
    import spacy

    nlp = spacy.blank("en")
    for name in ("trialgraph_sentences", "trialgraph_lexicon", "trialgraph_context"):
        nlp.add_pipe(name)
    doc = nlp("Sorafenib caused grade 3 or 4 neutropenia and grade III rash.")
    assert {e.text: e._.grade for e in doc.ents if e.label_ == "ADVERSE_EVENT"} == {"neutropenia": "3-4", "rash": "3"}
