"""The article's own DOI: from its running heads and feet, else its first page, never a DOI it only cites."""
from __future__ import annotations

import re
from collections import Counter

_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>|]+)", re.I)


def article_doi(running_text: str, front_text: str, references_text: str, full_text: str) -> str | None:
    """The DOI printed most often in running heads/feet; else the one on page 1 that the reference list
    does not hold; else the one next to a "Cite this article as" line (BioMed Central prints it there)."""
    cited = set(dois(references_text))
    for source in (running_text, front_text):
        found = Counter(doi for doi in dois(source) if doi not in cited or source is running_text)
        if found:
            return found.most_common(1)[0][0]
    found = Counter()
    for cite in re.finditer(r"cite this article", full_text, re.I):
        window = full_text[max(0, cite.start() - 200) : cite.end() + 400]
        found.update(dois(window))
    return found.most_common(1)[0][0] if found else None


def dois(text: str) -> list[str]:
    """DOIs in `text`, trailing punctuation and unbalanced closing brackets removed."""
    return [_clean(match) for match in _DOI.findall(text)]


def _clean(doi: str) -> str:
    doi = doi.rstrip(".,;")
    while doi.endswith(")") and doi.count(")") > doi.count("("):
        doi = doi[:-1]
    return doi
