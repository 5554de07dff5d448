"""Time `pipeline.tables.table_facts` over the documents of corpus/ (reading excluded, lexicon load included).

    .venv/bin/python bench/tables_speed.py
"""
from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from pipeline.batch.inputs import collect_inputs
from pipeline.readers import read_document
from pipeline.tables import table_facts

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def main() -> None:
    documents = [read_document(path) for path in collect_inputs([CORPUS])]
    start = time.perf_counter()
    kinds = Counter(fact.KIND for document in documents for fact in table_facts(document))
    seconds = time.perf_counter() - start
    tables = sum(len(document.tables) for document in documents)
    print(f"{len(documents)} documents, {tables} tables, {dict(kinds)} in {seconds:.2f} s "
          f"({1000 * seconds / max(tables, 1):.1f} ms per table)")


if __name__ == "__main__":
    main()
