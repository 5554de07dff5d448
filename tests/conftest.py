"""Shared fixtures: blank pipelines with scispaCy's tokenizer, and entity helpers."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def sentence_nlp():
    """Tokenizer and sentence boundaries only."""
    from pipeline.nlp.language import build_nlp

    return build_nlp(components=("trialgraph_sentences",))


@pytest.fixture(scope="session")
def full_nlp():
    """The complete annotation pipeline (lexicons included)."""
    from pipeline.nlp.language import default_nlp

    return default_nlp()


@pytest.fixture(scope="session")
def lexicon_nlp():
    """The annotation pipeline without the trained model: lexicons and rules only."""
    from pipeline.nlp.language import COMPONENTS, build_nlp

    return build_nlp(components=tuple(c for c in COMPONENTS if c != "trialgraph_trained_ner"))
