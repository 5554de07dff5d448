from spacy.tokens import Doc


def _sentences(nlp, text: str) -> list[str]:
    return [s.text.strip() for s in nlp(text).sents if s.text.strip()]


def test_sentences_split_results_paragraph_of_seed_article(sentence_nlp):
    # corpus/seeds/002, abstract
    text = ("Results: In phase 1 (n = 19), the maximum tolerated dose for IL-21 with the standard dose of sorafenib "
            "was determined to be 30 mcg/kg/day; grade 3 skin rash was the only dose-limiting toxicity. In phase 2, "
            "33 previously-treated patients tolerated the combination therapy well.")
    sentences = _sentences(sentence_nlp, text)
    assert len(sentences) == 2
    assert sentences[1].startswith("In phase 2, 33 previously-treated patients")


def test_sentences_keep_abbreviations_inside_a_sentence(sentence_nlp):
    text = "As shown by Bhatia et al. in 2014, IL-21 (e.g. rIL-21) vs. placebo was tested. Fig. 2 shows it."
    sentences = _sentences(sentence_nlp, text)
    assert sentences == [
        "As shown by Bhatia et al. in 2014, IL-21 (e.g. rIL-21) vs. placebo was tested.",
        "Fig. 2 shows it.",
    ]


def test_sentences_break_at_line_breaks_of_registry_pages(sentence_nlp):
    # corpus/seeds/000: list items without final periods
    text = "- Drug: rIL-21 only\nPart 1: rIL-21, IV, Day 1-5 and 15-19 of each 6-week treatment course\n- Drug: rIL-21 + sorafenib"
    sentences = _sentences(sentence_nlp, text)
    assert sentences == ["- Drug: rIL-21 only", "Part 1: rIL-21, IV, Day 1-5 and 15-19 of each 6-week treatment course",
                         "- Drug: rIL-21 + sorafenib"]


def test_sentences_no_break_before_lowercase_or_inside_decimals(sentence_nlp):
    doc: Doc = sentence_nlp("The median PFS was 5.6 months and the ORR was 21% [95% CI: 9, 38.9]. patients continued.")
    assert len(list(doc.sents)) == 1


def test_sentences_closing_period_of_a_short_word_is_its_own_token(sentence_nlp):
    # BC5CDR dev: "chronic hepatitis C." was one mention with its period
    doc = sentence_nlp("Patients had chronic hepatitis C. They received mitomycin C.")
    assert [t.text for t in doc][3:6] == ["hepatitis", "C", "."]
    assert [t.text for t in doc][-2:] == ["C", "."]
    assert [s.text for s in doc.sents] == ["Patients had chronic hepatitis C.", "They received mitomycin C."]
    # initials keep their period: a genus, an author
    doc = sentence_nlp("Infection with C. difficile occurred. As J. C. Smith wrote.")
    assert "C." in [t.text for t in doc] and "difficile" in [t.text for t in doc]
    assert doc.text == "Infection with C. difficile occurred. As J. C. Smith wrote."
