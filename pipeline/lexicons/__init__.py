"""Lexicons of drugs, drug classes, diseases and endpoints: built from open sources, matched over tokens."""

from pipeline.lexicons.matcher import DEFAULT_DIRECTORY, Concept, Lexicon, Match

__all__ = ["DEFAULT_DIRECTORY", "Concept", "Lexicon", "Match"]
