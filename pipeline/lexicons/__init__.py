"""Lexicons of drugs, drug classes, diseases and endpoints: built from open sources, matched over tokens."""
from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline.lexicons.concepts import GENERIC_EVENT_WORDS, ConceptNormalizer, GenericEventWords
from pipeline.lexicons.matcher import DEFAULT_DIRECTORY, FUNCTION_WORDS_FILE, LEXICON_FILE, Concept, Lexicon, Match
from pipeline.resources import model_path

__all__ = ["DEFAULT_DIRECTORY", "Concept", "ConceptNormalizer", "Lexicon", "LEXICON_ENTRY", "Match", "lexicon_files", "load_lexicon",
           "load_normalizer"]

LEXICON_ENTRY = f"lexicon/{LEXICON_FILE}"  # a saved component's copy of the lexicon (`lexicon_files`)
_LEXICONS: dict[str, Lexicon] = {}  # content digest -> loaded lexicon
_DIGESTS: dict[tuple[str, int, int], str] = {}  # (file, size, mtime) -> content digest
_NORMALIZERS: dict[tuple[int, str], ConceptNormalizer] = {}


def lexicon_files(directory: str | Path | None = None) -> dict[str, str]:
    """The files of a lexicon folder a component copies when saved (`DataFilesComponent.data_files`)."""
    directory = model_path(directory or DEFAULT_DIRECTORY)
    files = {LEXICON_ENTRY: str(directory / LEXICON_FILE)}
    if (directory / FUNCTION_WORDS_FILE).exists():
        files[f"lexicon/{FUNCTION_WORDS_FILE}"] = str(directory / FUNCTION_WORDS_FILE)
    return files


def load_lexicon(directory: str | Path | None = None) -> Lexicon:
    """The serialized lexicon in `directory` (default models/lexicons), loaded once per process: folders
    holding the same files (a saved pipeline's copies) share one loaded lexicon."""
    directory = model_path(directory or DEFAULT_DIRECTORY)
    key = "".join(_digest(directory / name) for name in (LEXICON_FILE, FUNCTION_WORDS_FILE))
    if key not in _LEXICONS:
        _LEXICONS[key] = Lexicon.load(directory)
    return _LEXICONS[key]


def load_normalizer(directory: str | Path | None = None, generic_words: str | Path = GENERIC_EVENT_WORDS
                    ) -> ConceptNormalizer:
    """The concept normaliser over `load_lexicon(directory)` and the generic event words, made once per process."""
    lexicon = load_lexicon(directory)
    key = (id(lexicon), str(model_path(generic_words)))
    if key not in _NORMALIZERS:
        _NORMALIZERS[key] = ConceptNormalizer(lexicon, GenericEventWords.load(key[1]))
    return _NORMALIZERS[key]


def _digest(path: Path) -> str:
    """The SHA-256 of a file's content ("" for a missing file), computed once per file version."""
    if not path.exists():
        return ""
    status = path.stat()
    version = (str(path.resolve()), status.st_size, status.st_mtime_ns)
    if version not in _DIGESTS:
        _DIGESTS[version] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _DIGESTS[version]
