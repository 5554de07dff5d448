"""Lexicons of drugs, drug classes, diseases and endpoints: built from open sources, matched over tokens."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pipeline.lexicons.concepts import ConceptNormalizer
from pipeline.lexicons.matcher import DEFAULT_DIRECTORY, Concept, Lexicon, Match

__all__ = ["DEFAULT_DIRECTORY", "Concept", "ConceptNormalizer", "Lexicon", "Match", "load_lexicon", "load_normalizer"]


@lru_cache(maxsize=4)
def load_lexicon(directory: str | Path | None = None) -> Lexicon:
    """The serialized lexicon in `directory` (default models/lexicons), loaded once per process."""
    return Lexicon.load(directory or DEFAULT_DIRECTORY)


@lru_cache(maxsize=4)
def load_normalizer(directory: str | Path | None = None) -> ConceptNormalizer:
    """The concept normaliser over `load_lexicon(directory)`, made once per process."""
    return ConceptNormalizer(load_lexicon(directory))
