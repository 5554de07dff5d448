"""Locations of the data files the product ships in models/, and small loaders for them."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pipeline.errors import RulesError

# pipeline/models: in a checkout a link to the top-level models/ folder, in an installed wheel its copy
MODELS_DIR = Path(__file__).resolve().parent / "models"


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


def read_rules_tsv(relative: str | Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a tab-separated rule file under models/ whose header names exactly `columns`: '#' comments
    and blank lines skipped, every row checked to have one non-empty cell per column (`RulesError` with the
    file and line otherwise)."""
    path = model_path(relative)
    if not path.exists():
        raise FileNotFoundError(f"missing data file {path}; is the models/ folder of the checkout complete?")
    rows: list[dict[str, str]] = []
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
        if len(cells) != len(columns) or not all(cells):
            raise RulesError(path, number, f"expected {len(columns)} non-empty tab-separated cells "
                                           f"({', '.join(columns)}), found {len(cells)}: {line!r}")
        rows.append(dict(zip(columns, cells)))
    if header is None:
        raise RulesError(path, 1, f"no header line; the first line that is not a comment names the columns {list(columns)}")
    return rows


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
