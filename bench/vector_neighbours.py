"""Nearest words (cosine) of a few probe words in vectors tables of `trialgraph train vectors`, as a check that
they learned the domain. The candidate words are the NORMs a word2vec token file shows at least `--min-count`
times (the same list for every table, so a word2vec and a floret table are asked the same question).

    .venv/bin/python bench/vector_neighbours.py TOKENS_FILE TABLE_DIR [TABLE_DIR ...] [--words w1,w2] [--k 5]
"""
from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import numpy

PROBES = "sorafenib,rash,neutropenia,cisplatin,hepatotoxicity,nivolumab,thrombocytopaenia,carboplatine"


def candidates(tokens_file: Path, min_count: int) -> list[str]:
    counts: Counter[str] = Counter()
    with tokens_file.open(encoding="utf-8") as handle:
        for line in handle:
            counts.update(line.split())
    return [w for w, n in counts.most_common() if n >= min_count and any(c.isalpha() for c in w)]


def table_matrix(table: Path, words: list[str]) -> numpy.ndarray:
    import spacy

    vectors = spacy.load(table).vocab.vectors
    if vectors.mode == "floret":
        matrix = numpy.asarray(vectors.get_batch(words))
    else:
        strings = vectors.strings
        matrix = numpy.zeros((len(words), vectors.shape[1]), dtype="float32")
        for i, word in enumerate(words):
            row = vectors.find(key=strings[word]) if word in strings else -1
            if row >= 0:
                matrix[i] = vectors.data[row]
    norms = numpy.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / numpy.where(norms == 0, 1, norms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tokens", type=Path)
    parser.add_argument("tables", type=Path, nargs="+")
    parser.add_argument("--words", default=PROBES)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--min-count", type=int, default=5)
    args = parser.parse_args()
    pool = candidates(args.tokens, args.min_count)
    probes = args.words.split(",")
    print(f"{len(pool)} candidate words")
    for table in args.tables:
        matrix = table_matrix(table, pool)
        queries = table_matrix(table, probes)
        print(f"\n{table}")
        for word, query in zip(probes, queries):
            if not query.any():
                print(f"  {word}: (no vector)")
                continue
            scores = matrix @ query
            order = [i for i in numpy.argsort(-scores) if pool[i] != word][: args.k]
            print(f"  {word}: " + ", ".join(f"{pool[i]} {scores[i]:.2f}" for i in order))


if __name__ == "__main__":
    main()
