"""`trialgraph run` throughput over the 1,000 BC5CDR abstracts (as PubMed XML) plus corpus/:
1 and 2 local workers, a local Dask cluster of 2 workers, and spaCy's blank tokenizer as the floor.

    nice .venv/bin/python bench/batch_throughput.py [--shared ../shared] [--out bench/results/batch_throughput.json]

Each mode runs into a fresh output folder, so every document is processed. Documents/s and words/s
count the processing (read, annotate, store) up to the last stored document; `total s` adds the
graph rebuild and exports.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from batch_inputs import ROOT, PeakMemory, bc5cdr_abstracts, write_pubmed_sets  # noqa: E402

sys.path.insert(0, str(ROOT))


def blank_floor(abstracts: list[tuple[str, str, str]]) -> dict[str, float]:
    """Words/s of spaCy's blank English tokenizer over the same abstract texts."""
    import spacy

    nlp = spacy.blank("en")
    texts = [f"{title}\n\n{abstract}" for _, title, abstract in abstracts]
    start = time.perf_counter()
    words = sum(1 for doc in nlp.pipe(texts) for token in doc if not token.is_space and not token.is_punct)
    seconds = time.perf_counter() - start
    return {"documents": len(texts), "words": words, "seconds": round(seconds, 2),
            "documents_per_second": round(len(texts) / seconds, 1), "words_per_second": round(words / seconds)}


def measure(label: str, inputs: Path, work: Path, **options) -> dict[str, object]:
    from pipeline.batch.run import run

    out = work / label.replace(" ", "_")
    with PeakMemory() as memory:
        report = run([inputs], out, progress=False, **options).to_dict()
    shutil.rmtree(out)
    row = {key: report[key] for key in ("processed", "failed", "words", "processing_seconds", "documents_per_second",
                                        "processing_words_per_second", "seconds", "workers")}
    row["peak_memory_mb"] = round(memory.peak_mb)
    print(f"{label:<18} {row['processed']:>5} docs {row['processing_seconds']:>7.1f} s "
          f"{row['documents_per_second']:>7.1f} docs/s {row['processing_words_per_second']:>8.0f} words/s "
          f"total {row['seconds']:.1f} s, peak {row['peak_memory_mb']} MB", flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "batch_throughput.json"))
    args = parser.parse_args()
    abstracts = bc5cdr_abstracts(Path(args.shared))
    results: dict[str, object] = {"blank_tokenizer": blank_floor(abstracts)}
    print(f"blank tokenizer    {results['blank_tokenizer']}", flush=True)
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        inputs = work / "inputs"
        write_pubmed_sets(abstracts, inputs / "bc5cdr")
        shutil.copytree(ROOT / "corpus", inputs / "corpus")
        results["1 worker"] = measure("1 worker", inputs, work, workers=1)
        results["2 workers"] = measure("2 workers", inputs, work, workers=2)
        from distributed import LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            results["dask 2 workers"] = measure("dask 2 workers", inputs, work, dask=cluster.scheduler_address)
    one, two = results["1 worker"], results["2 workers"]
    results["speed_up_2_workers"] = round(one["processing_seconds"] / two["processing_seconds"], 2)
    print(f"speed-up with 2 workers: {results['speed_up_2_workers']}x")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
