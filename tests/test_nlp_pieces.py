"""Long texts annotated in pieces (`pipeline.nlp.pieces`): cuts at paragraph breaks, offsets shifted back,
and for a text of independent paragraphs the same mentions and relations as the whole text annotated at once."""
from __future__ import annotations

import random

from hostile_inputs import abstract

from pipeline.document import Document, Section
from pipeline.extract import extract_document
from pipeline.nlp.pieces import piece_bounds


def test_nlp_pieces_bounds_prefer_paragraph_then_line_then_sentence_breaks():
    text = "First paragraph here.\n\nSecond one is a little longer.\nIts next line. And More text follows"
    bounds = piece_bounds(text, 40)
    assert bounds[0] == (0, 23) and text[bounds[0][0]:bounds[0][1]].endswith("\n\n")
    assert [text[s:e] for s, e in bounds] and "".join(text[s:e] for s, e in bounds) == text
    assert all(e - s <= 40 for s, e in bounds)
    one_line = "Word " * 50 + "Sentence ends. Next starts here " * 3
    pieces = piece_bounds(one_line, 100)
    assert "".join(one_line[s:e] for s, e in pieces) == one_line and all(e - s <= 100 for s, e in pieces)
    unbroken = "x" * 250
    assert piece_bounds(unbroken, 100) == [(0, 100), (100, 200), (200, 250)]
    assert piece_bounds("short", 100) == [(0, 5)]


def test_nlp_pieces_give_the_annotations_of_the_whole_text(full_nlp):
    rng = random.Random(31)
    drugs = ("sorafenib", "cisplatin", "sunitinib", "imatinib", "gemcitabine", "docetaxel")
    paragraphs = [abstract(rng.choice(drugs), rng) for _ in range(24)]
    text = "\n\n".join(paragraphs)
    document = Document(id="doc-1", source_path="long.txt", format="text", title="Long", text=text,
                        sections=[Section("Text", "results", 0, len(text), text)])
    whole = extract_document(full_nlp, document, piece_characters=len(text))
    pieces = extract_document(full_nlp, document, piece_characters=1500)
    assert len(piece_bounds(text, 1500)) > 4
    assert pieces["entities"] == whole["entities"] and pieces["relations"] == whole["relations"]
    assert pieces["words"] == whole["words"] and len(whole["entities"]) > 100
    assert all(text[e.start:e.end] == e.text for e in pieces["entities"])
    staged = [e for e in pieces["entities"] if e.concept_start is not None]
    assert staged and all(e.start <= e.concept_start < e.concept_end <= e.end for e in staged)
