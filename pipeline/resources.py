"""Locations of the data files the product ships in models/, and small loaders for them."""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from pipeline.errors import RulesError

# pipeline/models: in a checkout a link to the top-level models/ folder, in an installed wheel its copy
MODELS_DIR = (Path(__file__).resolve().parent / "models").resolve()


def model_path(relative: str | Path) -> Path:
    """Absolute path of a file under models/ (absolute paths are returned unchanged)."""
    path = Path(relative)
    return path if path.is_absolute() else MODELS_DIR / path


@lru_cache(maxsize=None)
def read_word_list(relative: str | Path, lowercase: bool = True) -> frozenset[str]:
    """A one-entry-per-line list: '#' comments and blank lines skipped, lowercased unless the case matters
    (stop-term acronyms)."""
    path = model_path(relative)
    if not path.exists():
        raise FileNotFoundError(f"missing data file {path}; is the models/ folder of the checkout complete?")
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.add(line.lower() if lowercase else line)
    return frozenset(words)


def read_rules_tsv(relative: str | Path, columns: tuple[str, ...], optional: tuple[str, ...] = ()
                   ) -> list[dict[str, str]]:
    """The rows of a tab-separated rule file under models/ whose header names exactly `columns`: '#' comments
    and blank lines skipped, every row checked to have one cell per column, non-empty unless the column is
    `optional` (`RulesError` with the file and line otherwise)."""
    return [row for _, row in numbered_rules_tsv(relative, columns, optional)]


def numbered_rules_tsv(relative: str | Path, columns: tuple[str, ...], optional: tuple[str, ...] = ()
                       ) -> list[tuple[int, dict[str, str]]]:
    """`read_rules_tsv`, each row with its line number (for errors found later, such as a bad pattern)."""
    path = model_path(relative)
    if not path.exists():
        raise FileNotFoundError(f"missing data file {path}; is the models/ folder of the checkout complete?")
    rows: list[tuple[int, dict[str, str]]] = []
    header: list[str] | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = [cell.strip() for cell in line.split("\t")]
        if header is None:
            header = cells
            if tuple(header) != columns:
                raise RulesError(path, number, f"header is {header}, expected the columns {list(columns)}")
            continue
        if len(cells) != len(columns):
            raise RulesError(path, number, f"expected {len(columns)} tab-separated cells ({', '.join(columns)}), "
                                           f"found {len(cells)}: {line!r}")
        empty = [column for column, cell in zip(columns, cells) if not cell and column not in optional]
        if empty:
            raise RulesError(path, number, f"empty {', '.join(empty)}: {line!r}")
        rows.append((number, dict(zip(columns, cells))))
    if header is None:
        raise RulesError(path, 1, f"no header line; the first line that is not a comment names the columns {list(columns)}")
    return rows


def read_rules_json(relative: str | Path) -> dict:
    """A JSON rule file under models/ as a dict (`RulesError` at the line of a syntax error)."""
    path = model_path(relative)
    if not path.exists():
        raise FileNotFoundError(f"missing data file {path}; is the models/ folder of the checkout complete?")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise RulesError(path, exc.lineno, f"not valid JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise RulesError(path, None, "the file must hold one JSON object")
    return data


def word_alternation(words: Iterable[str]) -> str:
    """A regular-expression alternation of rule-file words, longest first, so that "was defined as" wins over
    "was"."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def compile_rule(path: str | Path, line: int, pattern: str, flags: int = 0) -> re.Pattern[str]:
    """A rule file's regular expression, compiled; `RulesError` at its file and line when it is not valid."""
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise RulesError(model_path(path), line, f"not a valid regular expression ({exc}): {pattern!r}") from None


@lru_cache(maxsize=1)
def models_fingerprint() -> str:
    """`data_fingerprint` of models/, once per process: part of the pipeline version."""
    return data_fingerprint(MODELS_DIR)


def data_fingerprint(directory: Path) -> str:
    """Short hash of the data files under `directory` (lexicons, rules, trained models). Build sources and
    documentation (`*.md`) are left out: editing a README re-processes nothing."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*")
                       if p.is_file() and "sources" not in p.relative_to(directory).parts and p.suffix != ".md"):
        digest.update(str(path.relative_to(directory)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
