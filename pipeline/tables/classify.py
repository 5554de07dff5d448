"""What a table reports: adverse events, laboratory abnormalities, response, demographics, pharmacokinetics or other."""
from __future__ import annotations

from collections import Counter

from pipeline.document import Table
from pipeline.tables.cells import strip_markers
from pipeline.tables.vocabulary import kind_cues

CLASSIFICATIONS = ("adverse_events", "laboratory", "response", "demographics", "pharmacokinetics", "other")
MIN_SCORE = 2
MAX_ROW_HITS = 4  # row cues count at most this often, so a long table cannot outvote its caption
# Registry outcome-measure tables never hold the adverse-event listing (the registry has its own module for it).
_OUTCOME_KINDS = frozenset({"response", "pharmacokinetics", "other"})


def kind_scores(table: Table) -> Counter[str]:
    """Cue-word score of each kind for `table`."""
    places = {
        "caption": [f"{table.caption} {table.section or ''}"],
        "header": [cell for row in table.header_rows for cell in row if cell],
        "row": [strip_markers(row[0])[0] for row in table.rows if row and row[0]],
    }
    scores: Counter[str] = Counter()
    for cue in kind_cues():
        if cue.place == "row":
            scores[cue.kind] += cue.weight * min(MAX_ROW_HITS, sum(1 for text in places["row"] if cue.pattern.search(text)))
        elif any(cue.pattern.search(text) for text in places[cue.place]):
            scores[cue.kind] += cue.weight
    return scores


def classify(table: Table) -> str:
    """The classification of `table`; a reader's `kind` ("adverse_events" for registry results) is trusted."""
    if table.kind in CLASSIFICATIONS and table.kind != "other":
        return table.kind
    scores = kind_scores(table)
    if table.kind == "outcome_measures":
        scores = Counter({kind: score for kind, score in scores.items() if kind in _OUTCOME_KINDS})
    if not scores:
        return "other"
    kind, score = max(scores.items(), key=lambda item: (item[1], -CLASSIFICATIONS.index(item[0])))
    return kind if score >= MIN_SCORE else "other"
