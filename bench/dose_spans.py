"""Measure the dose extractor (pipeline/nlp/doses.py): DOSE span P/R/F1 on ADE-Corpus-V2 and speed on BC5CDR.

    .venv/bin/python bench/dose_spans.py [--shared /work/shared] [--errors N]

ADE: sentences of DRUG-DOSE.rel (doses are annotated exhaustively only there). Like ../shared/tools/score.py, a
sentence's gold is the set of its dose strings (lowercased, whitespace collapsed) and a prediction counts when its
text is in that set ("strict"). "overlap" counts a gold dose as found when some predicted span overlaps one of its
occurrences in the sentence, and a prediction as right when it overlaps some gold dose occurrence.
Speed: find_doses over every BC5CDR title+abstract of CDR_DevelopmentSet.PubTator.txt, best of three runs.
"""
from __future__ import annotations

import argparse
import re
import time
from collections import defaultdict
from pathlib import Path

from pipeline.nlp.doses import find_doses


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def ade_sentences(folder: Path) -> dict[tuple[str, str], set[str]]:
    """(pmid, sentence) -> gold dose strings."""
    gold: dict[tuple[str, str], set[str]] = defaultdict(set)
    for line in (folder / "DRUG-DOSE.rel").read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("|")
        if len(parts) >= 8:
            gold[(parts[0], parts[1])].add(parts[2])
    return gold


def prf(tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P {p:.3f}  R {r:.3f}  F1 {f:.3f}  (tp {tp}, fp {fp}, fn {fn})"


def occurrences(sentence: str, needle: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(needle), sentence)]


def score_ade(folder: Path, show_errors: int) -> None:
    gold = ade_sentences(folder)
    strict = [0, 0, 0]
    overlap = [0, 0, 0]
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # numeric / qualitative gold: [found, total]
    misses, extras = [], []
    for (_, sentence), doses in gold.items():
        predicted = find_doses(sentence)
        gold_norm = {norm(d) for d in doses}
        pred_norm = {norm(p.text) for p in predicted}
        strict[0] += len(gold_norm & pred_norm)
        strict[1] += len(pred_norm - gold_norm)
        strict[2] += len(gold_norm - pred_norm)
        for dose in doses:
            kind = "numeric" if re.search(r"\d", dose) else "qualitative"
            by_kind[kind][1] += 1
            by_kind[kind][0] += norm(dose) in pred_norm
            if norm(dose) not in pred_norm:
                misses.append((dose, sentence))
        for p in predicted:
            if norm(p.text) not in gold_norm:
                extras.append((p.text, sentence))
        gold_spans = [span for d in doses for span in occurrences(sentence, d)]
        for dose in doses:
            spans = occurrences(sentence, dose)
            hit = any(p.start < e and s < p.end for p in predicted for s, e in spans)
            overlap[0 if hit else 2] += 1
        overlap[1] += sum(not any(p.start < e and s < p.end for s, e in gold_spans) for p in predicted)
    print(f"ADE-Corpus-V2 DRUG-DOSE ({len(gold)} sentences, {sum(len(d) for d in gold.values())} gold doses)")
    print(f"  strict (score.py convention): {prf(*strict)}")
    print(f"  overlap:                      {prf(overlap[0], overlap[1], overlap[2])}")
    for kind, (found, total) in sorted(by_kind.items()):
        print(f"  recall on {kind} gold doses: {found}/{total} = {found / total:.3f}")
    if show_errors:
        print(f"\n  missed (first {show_errors}):")
        for dose, sentence in misses[:show_errors]:
            print(f"    {dose!r:32} {sentence[:140]}")
        print(f"\n  not in gold (first {show_errors}):")
        for text, sentence in extras[:show_errors]:
            print(f"    {text!r:32} {sentence[:140]}")


def bc5cdr_text(path: Path) -> list[str]:
    texts = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        lines = block.strip().split("\n")
        if len(lines) >= 2:
            texts.append(f"{lines[0].split('|', 2)[2]} {lines[1].split('|', 2)[2]}")
    return texts


def speed(path: Path) -> None:
    texts = bc5cdr_text(path)
    size = sum(len(t.encode("utf-8")) for t in texts)
    find_doses("warm up 10 mg")
    best = float("inf")
    found = 0
    for _ in range(3):
        began = time.perf_counter()
        found = sum(len(find_doses(t)) for t in texts)
        best = min(best, time.perf_counter() - began)
    joined = "\n\n".join(texts)
    began = time.perf_counter()
    find_doses(joined)
    whole = time.perf_counter() - began
    print(f"\nSpeed on {path.name}: {len(texts)} abstracts, {size / 1e6:.2f} MB, {found} doses")
    print(f"  per abstract: {size / 1e6 / best:.2f} MB/s ({best:.2f} s);  one joined text: {size / 1e6 / whole:.2f} MB/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=Path("/work/shared"))
    parser.add_argument("--errors", type=int, default=0, help="print this many misses and extra predictions")
    args = parser.parse_args()
    score_ade(args.shared / "corpora/ade_corpus_v2", args.errors)
    speed(args.shared / "corpora/bc5cdr/CDR_DevelopmentSet.PubTator.txt")


if __name__ == "__main__":
    main()
