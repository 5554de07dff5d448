"""Gold texts as spaCy Docs, tokenized and split into sentences exactly as the annotation pipeline does.

Each token's TAG holds its place in the lexicon matches (`lexicon_tags`), a feature of the model; the
corpus reader `trialgraph.LexiconTaggedCorpus.v1` hands it to the predicted Docs of training examples.

A gold span that does not fall on token boundaries is left unknown (its tokens carry no annotation).
In a partial text, lexicon matches that no gold span overlaps are unknown too: ADE-Corpus-V2 does not
annotate a drug that caused nothing, which is no reason to teach the model that it is not a drug.
"""
from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span
from spacy.training import Corpus, Example
from spacy.util import filter_spans, registry

from pipeline.nlp.sentences import words_and_spaces
from pipeline.nlp.trained_ner import lexicon_tags
from pipeline.train.corpora import SPLITS, GoldText

_PARTIAL_LABELS = frozenset({"DRUG", "DRUG_CLASS", "DISEASE"})


def gold_doc(nlp: Language, gold: GoldText, stats: Counter | None = None) -> Doc:
    """The text tokenized by `nlp` (sentences and lexicon matches included), with gold entities set."""
    stats = stats if stats is not None else Counter()
    doc = set_lexicon_tags(nlp(gold.text))
    found = list(doc.ents)
    spans, unknown = [], []
    for start, end, label in gold.spans:
        span = doc.char_span(start, end, label=label)
        if span is None:
            stats["misaligned"] += 1
            unknown.append(doc.char_span(start, end, alignment_mode="expand"))
        else:
            spans.append(span)
    kept = filter_spans(spans)
    stats["entities"] += len(kept)
    stats["nested"] += len(spans) - len(kept)
    unknown += [doc.char_span(s, e, alignment_mode="expand") for s, e in gold.unknown]
    taken = {i for span in kept for i in range(span.start, span.end)}
    if gold.partial:
        for ent in found:
            if ent.label_ in _PARTIAL_LABELS and not taken.intersection(range(ent.start, ent.end)):
                unknown.append(ent)
                stats["unknown_lexicon_matches"] += 1
    unknown = [Span(doc, u.start, u.end) for u in unknown if u is not None and len(u)]
    unknown = [u for u in unknown if not taken.intersection(range(u.start, u.end))]
    doc.set_ents(kept, missing=filter_spans(unknown), default="outside")
    return doc


def set_lexicon_tags(doc: Doc) -> Doc:
    """`doc` with each token's place in its lexicon matches as TAG (`lexicon_tags`), the model's feature."""
    for token, tag in zip(doc, lexicon_tags(doc)):
        token.tag_ = tag
    return doc


def sentence_docs(doc: Doc) -> Iterator[Doc]:
    """Each sentence of `doc` that is not only whitespace, as a Doc of its own."""
    for sentence in doc.sents:
        if not all(t.is_space for t in sentence):
            yield sentence.as_doc()


def write_docbins(nlp: Language, golds: Iterable[GoldText], out_dir: Path,
                  repeats: Mapping[str, int] | None = None) -> dict[str, dict[str, int]]:
    """`{split}.spacy` files of sentence Docs in `out_dir`; returns counts per split and corpus. The `train` texts
    of a corpus go in `repeats[corpus]` times (default once), to weigh it against the others."""
    out_dir.mkdir(parents=True, exist_ok=True)
    bins = {split: DocBin(attrs=["ORTH", "SPACY", "TAG", "ENT_IOB", "ENT_TYPE"]) for split in SPLITS}
    stats: dict[str, Counter] = {}
    for gold in golds:
        counter = stats.setdefault(f"{gold.split}/{gold.corpus}", Counter())
        doc = gold_doc(nlp, gold, counter)
        counter["texts"] += 1
        counter["words"] += sum(not t.is_space for t in doc)
        times = (repeats or {}).get(gold.corpus, 1) if gold.split == "train" else 1
        if times > 1:
            counter["repeats"] = times
        for sentence in sentence_docs(doc):  # one example per sentence: spaCy batches by words
            for _ in range(times):
                bins[gold.split].add(sentence)
    for split, docbin in bins.items():
        docbin.to_disk(out_dir / f"{split}.spacy")
    return {key: dict(sorted(counter.items())) for key, counter in sorted(stats.items())}


@registry.readers("trialgraph.LexiconTaggedCorpus.v1")
def lexicon_tagged_corpus(path: Path, limit: int = 0, lexicon_dropout: float = 0.0,
                          seed: int = 0) -> Callable[[Language], Iterator[Example]]:
    """spaCy's corpus reader on our DocBins, whose predicted Docs keep the lexicon tags (TAG) of the
    gold Docs: the model sees the lexicon feature in training as it does at run time. With
    `lexicon_dropout`, each lexicon match is hidden (its tags set to "O") with that probability, drawn anew
    at every pass from a generator seeded by `seed`: the model meets names the lexicon does not know, as it
    will in new text, instead of learning to trust the lexicon alone."""
    if not 0.0 <= lexicon_dropout < 1.0:
        raise ValueError(f"lexicon_dropout must be at least 0 and below 1, not {lexicon_dropout}")
    corpus = Corpus(path, gold_preproc=True, limit=limit)
    draws = random.Random(seed)

    def read(nlp: Language) -> Iterator[Example]:
        for example in corpus(nlp):
            words, spaces = words_and_spaces(example.reference)
            tags = [token.tag_ for token in example.reference]
            if lexicon_dropout:
                tags = hide_matches(tags, lexicon_dropout, draws)
            yield Example(Doc(nlp.vocab, words=words, spaces=spaces, tags=tags), example.reference)

    return read


def hide_matches(tags: list[str], probability: float, draws: random.Random) -> list[str]:
    """`tags` (`lexicon_tags`) with each match ("B-X" and the "I-X" after it) set to "O" with `probability`."""
    out, hiding = list(tags), False
    for i, tag in enumerate(tags):
        if tag.startswith("B-"):
            hiding = draws.random() < probability
        elif tag == "O":
            hiding = False
        if hiding:
            out[i] = "O"
    return out
