"""Throughput with the trained NER model, next to spaCy's blank tokenizer and the lexicon-only pipeline.

    .venv/bin/python bench/train_speed.py [--shared ../shared] [--limit N]

Texts: the 1,000 BC5CDR abstracts (train + dev). One process, everything in the same run; words are
non-space, non-punctuation tokens of the TrialGraph tokenizer. Also reports load times and the size
of models/ner/model.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from speed import pubtator_texts, words_per_second  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    corpus = args.shared / "corpora" / "bc5cdr"
    texts = pubtator_texts(corpus / "CDR_TrainingSet.PubTator.txt") + pubtator_texts(
        corpus / "CDR_DevelopmentSet.PubTator.txt")
    texts = texts[: args.limit] if args.limit else texts

    import spacy

    from pipeline.nlp.language import COMPONENTS, TRAINED_COMPONENTS, build_nlp, default_nlp
    from pipeline.nlp.trained_ner import load_model
    from pipeline.resources import model_path

    from pipeline.process import configure_process, freeze_long_lived_objects

    configure_process()  # as in a `trialgraph run` worker
    start = time.perf_counter()
    combined = default_nlp()  # the pipeline `trialgraph run` and `annotate` use
    load_combined = time.perf_counter() - start
    lexicon_only = build_nlp(components=tuple(c for c in COMPONENTS if c not in TRAINED_COMPONENTS))
    freeze_long_lived_objects()
    start = time.perf_counter()
    model = load_model()
    load_model_seconds = time.perf_counter() - start
    blank = spacy.blank("en")
    tokenized = [combined.make_doc(t) for t in texts]
    results = {
        "blank_tokenizer_wps": words_per_second(lambda ts: (blank.make_doc(t) for t in ts), texts)[0],
        "model_alone_wps": words_per_second(
            lambda ts: model.pipe((spacy.tokens.Doc(model.vocab, words=[t.text for t in d],
                                                    spaces=[bool(t.whitespace_) for t in d]) for d in tokenized),
                                  batch_size=64), texts)[0],
        "lexicon_only_pipeline_wps": words_per_second(lambda ts: lexicon_only.pipe(ts, batch_size=64), texts)[0],
        "combined_pipeline_wps": words_per_second(lambda ts: combined.pipe(ts, batch_size=64), texts)[0],
    }
    results = {k: round(v) for k, v in results.items()}
    model_dir = model_path("ner/model")
    results.update(
        texts=len(texts),
        words=sum(1 for d in tokenized for t in d if not t.is_space and not t.is_punct),
        load_combined_pipeline_seconds=round(load_combined, 2),
        load_model_seconds=round(load_model_seconds, 2),
        model_megabytes=round(sum(p.stat().st_size for p in model_dir.rglob("*") if p.is_file()) / 1e6, 1),
        components=combined.pipe_names,
    )
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
