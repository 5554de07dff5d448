"""How the raw lexicon alone does on BC5CDR (dev) and ADE-Corpus-V2, and how fast it matches.

Strict spans, micro-averaged: DRUG vs BC5CDR Chemical, DISEASE vs BC5CDR Disease; DRUG vs ADE drugs,
DISEASE vs ADE adverse effects (ADE marks only drugs and effects that take part in a drug-AE pair, so its
precision is a lower bound). Reads ../shared, which the product itself never does.

    python bench/lexicon_coverage.py [--shared /work/shared] [--errors 25]
"""

from __future__ import annotations

import argparse
import resource
import time
from collections import Counter, defaultdict
from pathlib import Path

import spacy
from scispacy.custom_tokenizer import combined_rule_tokenizer

from pipeline.lexicons import Lexicon

Span = tuple[str, int, int]  # (document id, start, end)


def read_bc5cdr(path: Path) -> tuple[dict[str, str], dict[str, set[Span]]]:
    """Texts (title + ' ' + abstract) and gold spans by entity type."""
    texts: dict[str, str] = {}
    gold: dict[str, set[Span]] = defaultdict(set)
    for line in path.read_text(encoding="utf-8").splitlines():
        if "|t|" in line[:20]:
            pmid, _, title = line.split("|", 2)
            texts[pmid] = title
        elif "|a|" in line[:20]:
            pmid, _, abstract = line.split("|", 2)
            texts[pmid] += " " + abstract
        elif line.count("\t") >= 4:
            pmid, start, end, _text, kind = line.split("\t")[:5]
            gold[kind].add((pmid, int(start), int(end)))
    return texts, gold


def read_ade(path: Path) -> tuple[dict[str, str], dict[str, set[Span]]]:
    """Sentences and gold spans (every occurrence of each annotated string in its sentence)."""
    texts: dict[str, str] = {}
    gold: dict[str, set[Span]] = defaultdict(set)
    ids: dict[tuple[str, str], str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("|")
        if len(parts) < 8:
            continue
        pmid, sentence, effect, drug = parts[0], parts[1], parts[2], parts[5]
        sentence_id = ids.setdefault((pmid, sentence), f"{pmid}-{len(ids)}")
        texts[sentence_id] = sentence
        for kind, mention in (("Drug", drug), ("Effect", effect)):
            position = sentence.find(mention)
            while position >= 0:
                gold[kind].add((sentence_id, position, position + len(mention)))
                position = sentence.find(mention, position + 1)
    return texts, gold


def off_token_boundaries(nlp, texts: dict[str, str], gold: set[Span]) -> int:
    """Gold spans that start or end inside a scispaCy token (out of reach of any token matcher)."""
    starts: dict[str, set[int]] = {}
    ends: dict[str, set[int]] = {}
    for doc_id, text in texts.items():
        doc = nlp(text)
        starts[doc_id] = {token.idx for token in doc}
        ends[doc_id] = {token.idx + len(token.text) for token in doc}
    return sum(1 for d, s, e in gold if s not in starts[d] or e not in ends[d])


def predict(lexicon: Lexicon, nlp, texts: dict[str, str]) -> tuple[dict[str, set[Span]], int, float]:
    """Predicted spans by label, number of tokens matched and seconds spent in ``Lexicon.match``."""
    predicted: dict[str, set[Span]] = defaultdict(set)
    words_total, seconds = 0, 0.0
    for doc_id, text in texts.items():
        doc = nlp(text)
        words = [token.text for token in doc]
        spaces = [bool(token.whitespace_) for token in doc]
        started = time.perf_counter()
        matches = lexicon.match(words, spaces)
        seconds += time.perf_counter() - started
        words_total += len(words)
        for match in matches:
            start = doc[match.start].idx
            end = doc[match.end - 1].idx + len(doc[match.end - 1].text)
            predicted[match.concept.label].add((doc_id, start, end))
    return predicted, words_total, seconds


def score(predicted: set[Span], gold: set[Span]) -> str:
    true_positives = len(predicted & gold)
    precision = true_positives / len(predicted) if predicted else 0.0
    recall = true_positives / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f"P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}  (tp {true_positives}, pred {len(predicted)}, gold {len(gold)})"


def errors(texts: dict[str, str], predicted: set[Span], gold: set[Span], limit: int) -> str:
    false_pos = Counter(texts[d][s:e] for d, s, e in predicted - gold)
    false_neg = Counter(texts[d][s:e] for d, s, e in gold - predicted)
    return (f"    FP: {false_pos.most_common(limit)}\n    FN: {false_neg.most_common(limit)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    parser.add_argument("--errors", type=int, default=0, help="show the N most frequent false positives/negatives")
    parser.add_argument("--speed-docs", type=int, default=200)
    args = parser.parse_args()

    started = time.perf_counter()
    lexicon = Lexicon.load()
    load_seconds = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"load {load_seconds:.2f} s, max RSS after load {rss_mb:.0f} MB, {len(lexicon)} concepts")

    nlp = spacy.blank("en")
    nlp.tokenizer = combined_rule_tokenizer(nlp)

    texts, gold = read_bc5cdr(args.shared / "corpora/bc5cdr/CDR_DevelopmentSet.PubTator.txt")
    speed_texts = dict(list(texts.items())[: args.speed_docs])
    predict(lexicon, nlp, speed_texts)  # warm the token-key cache as a long run would
    _, words, seconds = predict(lexicon, nlp, speed_texts)
    print(f"speed: {words} words of {len(speed_texts)} BC5CDR abstracts matched in {seconds:.3f} s "
          f"= {words / seconds:,.0f} words/s (one core, tokenization excluded)")
    predicted, _, _ = predict(lexicon, nlp, texts)
    print(f"BC5CDR dev ({len(texts)} abstracts)")
    for label, kind in (("DRUG", "Chemical"), ("DISEASE", "Disease")):
        print(f"  {label:8} vs {kind:8}: {score(predicted[label], gold[kind])}; "
              f"{off_token_boundaries(nlp, texts, gold[kind])} gold spans end inside a token")
        if args.errors:
            print(errors(texts, predicted[label], gold[kind], args.errors))
    drug_or_class = predicted["DRUG"] | predicted["DRUG_CLASS"]
    print(f"  DRUG+DRUG_CLASS vs Chemical: {score(drug_or_class, gold['Chemical'])}")

    texts, gold = read_ade(args.shared / "corpora/ade_corpus_v2/DRUG-AE.rel")
    predicted, _, _ = predict(lexicon, nlp, texts)
    print(f"ADE-Corpus-V2 DRUG-AE ({len(texts)} sentences; precision is a lower bound)")
    for label, kind in (("DRUG", "Drug"), ("DISEASE", "Effect")):
        print(f"  {label:8} vs {kind:8}: {score(predicted[label], gold[kind])}")
        if args.errors:
            print(errors(texts, predicted[label], gold[kind], args.errors))
    print(f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
