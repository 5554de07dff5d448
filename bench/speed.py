"""Annotation speed on the 1,000 BC5CDR abstracts (train + dev), next to spaCy's blank tokenizer.

    .venv/bin/python bench/speed.py [--shared ../shared] [--limit N]

Reports pipeline load time, words/s of the full pipeline on one process, words/s of
spaCy's blank English tokenizer and of scispaCy's tokenizer on the same texts, and peak RSS.
Reads ../shared (benchmarks may; the product never does).
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def pubtator_texts(path: Path) -> list[str]:
    texts = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        lines = block.strip().split("\n")
        title = lines[0].split("|", 2)[2]
        abstract = lines[1].split("|", 2)[2]
        texts.append(f"{title} {abstract}")
    return texts


def words_per_second(process, texts: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    words = 0
    for doc in process(texts):
        words += sum(1 for t in doc if not t.is_space and not t.is_punct)
    return words / (time.perf_counter() - start), words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    corpus = Path(args.shared) / "corpora" / "bc5cdr"
    texts = pubtator_texts(corpus / "CDR_TrainingSet.PubTator.txt") + pubtator_texts(
        corpus / "CDR_DevelopmentSet.PubTator.txt")
    if args.limit:
        texts = texts[: args.limit]

    import spacy

    start = time.perf_counter()
    from pipeline.batch.work import worker_nlp
    from pipeline.nlp.language import build_nlp

    nlp = worker_nlp()  # the pipeline of a `trialgraph run` worker, its process configured the same way
    load_seconds = time.perf_counter() - start
    blank = spacy.blank("en")
    scispacy_tokens = build_nlp(components=())
    results = {}
    results["blank_tokenizer_wps"], words = words_per_second(lambda ts: (blank.make_doc(t) for t in ts), texts)
    results["scispacy_tokenizer_wps"], _ = words_per_second(lambda ts: (scispacy_tokens.make_doc(t) for t in ts), texts)
    results["pipeline_wps"], pipeline_words = words_per_second(lambda ts: nlp.pipe(ts, batch_size=64), texts)
    results.update(
        texts=len(texts),
        words=pipeline_words,
        load_seconds=round(load_seconds, 2),
        peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        components=nlp.pipe_names,
    )
    for key in ("blank_tokenizer_wps", "scispacy_tokenizer_wps", "pipeline_wps"):
        results[key] = round(results[key])
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
