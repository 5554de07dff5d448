"""Review app latency: decision POSTs and queue / item pages, on a run's store and on synthetic stores.

    nice .venv/bin/python bench/review_latency.py --store /tmp/corpus_out          # a `trialgraph run corpus/ -o` folder
    nice .venv/bin/python bench/review_latency.py --documents 2000 [--documents 20000]

Each store is copied (or, for `--documents N`, written: N synthetic papers of `bench/graph_scale.py`, about
68 items each: 21 mentions, 25 relations, 22 table facts) into a temporary folder. The app is created there
(`create_app`, which indexes the queue; its time is reported as "index"), then driven in-process through
Flask's test client, so the figures are the app's own time per request (localhost adds about a millisecond):

- queue pages: the unfiltered first page, filters (kind + label, drug + label, text search, confidence),
  and pages deep in the queue;
- item pages of random items (with "item n of N" and their neighbours);
- decision POSTs on random items: accept, reject and fact corrections, with the redirect to the next item.

The background export rebuild (a child process, as in the app) runs while the requests are measured, as it
does for a curator. Prints one table per store and writes `bench/results/review_latency.json`.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from graph_scale import synthetic_document  # noqa: E402

from pipeline.batch.run import STORE_NAME  # noqa: E402
from pipeline.review.app import EXPORTS_EXTENSION, create_app  # noqa: E402
from pipeline.store import Store  # noqa: E402

TARGETS = {"decision POST": 0.100, "queue page": 0.300, "item page": 0.300}


def synthetic_store(folder: Path, documents: int) -> None:
    with Store(folder / STORE_NAME) as store:
        for index in range(documents):
            stored = synthetic_document(index)
            store.save(stored.document, {"entities": stored.entities, "relations": stored.relations,
                                         "facts": stored.facts}, stored.pipeline_version)


def _percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {"n": len(ordered), "p50_ms": round(1000 * statistics.median(ordered), 1),
            "p95_ms": round(1000 * ordered[max(0, int(0.95 * len(ordered)) - 1)], 1),
            "max_ms": round(1000 * ordered[-1], 1)}


def _timed(call) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def measure(folder: Path, label: str, requests: int, export_wait_limit: float, seed: int = 7) -> dict:
    rng = random.Random(seed)
    with Store(folder / STORE_NAME) as store:
        counts = store.counts()
    start = time.perf_counter()
    app = create_app(folder, curator="bench")
    index_seconds = time.perf_counter() - start
    client = app.test_client()
    first = client.get("/")
    assert first.status_code == 200, first.status_code
    token = re.search(r'name="csrf_token" value="([^"]+)"', first.get_data(as_text=True))[1]
    with Store(folder / STORE_NAME) as store:
        total = store.connection.execute("SELECT COUNT(*) FROM review_items").fetchone()[0]
        sample = store.connection.execute(
            "SELECT document_id, key, kind FROM review_items ORDER BY random() LIMIT ?", (3 * requests,)).fetchall()
        drug = store.connection.execute(
            "SELECT label, text FROM review_items WHERE kind='mention' AND label='DRUG' LIMIT 1").fetchone()
    drug_name = drug[1] if drug else "sorafenib"
    pages = max(1, total // 50)
    queue_urls = ["/", "/?kind=mention&label=ADVERSE_EVENT", f"/?drug={drug_name}&label=ADVERSE_EVENT",
                  "/?q=patients", "/?max_confidence=0.65&kind=relation", "/?status=pending&kind=fact"]
    timings: dict[str, list[float]] = {"queue page": [], "item page": [], "decision POST": []}
    for i in range(requests):
        url = queue_urls[i % len(queue_urls)] if i % 3 else f"/?page={rng.randrange(1, pages + 1)}"
        seconds, response = _timed(lambda: client.get(url))
        assert response.status_code == 200, (url, response.status_code)
        timings["queue page"].append(seconds)
    items, decided = sample[:requests], sample[requests:]
    for document_id, key, _ in items:
        seconds, response = _timed(lambda: client.get(f"/item?doc={document_id}&key={key}&kind=mention"))
        assert response.status_code == 200, (key, response.status_code)
        timings["item page"].append(seconds)
    with Store(folder / STORE_NAME) as store:
        versions = {(d, k): v for d, k, v in store.connection.execute("SELECT document_id, key, version FROM review_items")}
    done = 0
    for document_id, key, kind in decided:
        if done == requests:
            break
        if kind == "fact" and done % 4 == 0:
            form = {"decision": "corrected", "c_percent": str(rng.randrange(0, 100))}
        else:
            form = {"decision": rng.choice(("accepted", "rejected"))}
        form.update(csrf_token=token, doc=document_id, key=key, version=str(versions[(document_id, key)]),
                    kind=kind)
        seconds, response = _timed(lambda: client.post("/decide", data=form))
        if response.status_code != 302:  # a correction that changes nothing, or an item no longer there
            continue
        timings["decision POST"].append(seconds)
        done += 1
    exports = app.extensions[EXPORTS_EXTENSION]
    start = time.perf_counter()
    finished = exports.wait(timeout=export_wait_limit)
    export_wait = time.perf_counter() - start if finished else None
    exports.stop()
    report = {"store": label, "documents": counts["documents"]["total"], "items": total,
              "index_seconds": round(index_seconds, 1),
              "export_rebuild_left_after_requests_seconds": round(export_wait, 1) if export_wait is not None else
              f"more than {export_wait_limit:.0f}",
              **{name: _percentiles(values) for name, values in timings.items()}}
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, action="append", default=[], help="a run's output folder (copied)")
    parser.add_argument("--documents", type=int, action="append", default=[], help="a synthetic store of N papers")
    parser.add_argument("--requests", type=int, default=200, help="requests of each kind (default: %(default)s)")
    parser.add_argument("--export-wait", type=float, default=600.0,
                        help="seconds to wait for the last background export rebuild (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "review_latency.json")
    args = parser.parse_args()
    if not args.store and not args.documents:
        parser.error("give --store DIR and/or --documents N")
    reports = []
    for source in args.store:
        with tempfile.TemporaryDirectory(prefix="review-latency-") as temporary:
            folder = Path(temporary) / "store"
            shutil.copytree(source, folder, ignore=shutil.ignore_patterns("review_secret.key"))
            with Store(folder / STORE_NAME) as store:  # a fresh queue: indexing is part of what is measured
                for table in ("review_items", "review_dirty"):
                    store.connection.execute(f"DROP TABLE IF EXISTS {table}")
                store.connection.execute("DELETE FROM meta WHERE key='review_index'")
                store.connection.commit()
            reports.append(measure(folder, str(source), args.requests, args.export_wait))
            print(json.dumps(reports[-1]), flush=True)
    for documents in args.documents:
        with tempfile.TemporaryDirectory(prefix="review-latency-") as temporary:
            folder = Path(temporary) / "store"
            start = time.perf_counter()
            synthetic_store(folder, documents)
            print(f"synthetic store of {documents:,} documents written in {time.perf_counter() - start:.0f} s",
                  flush=True)
            reports.append(measure(folder, f"synthetic {documents:,}", args.requests, args.export_wait))
            print(json.dumps(reports[-1]), flush=True)
    print()
    print("| store | documents | items | index (s) | decision POST p50 / p95 | queue page p50 / p95 | item page p50 / p95 |")
    print("|---|---|---|---|---|---|---|")
    for r in reports:
        cells = [f"{r[k]['p50_ms']:.0f} / **{r[k]['p95_ms']:.0f}** ms" for k in ("decision POST", "queue page", "item page")]
        print(f"| {r['store']} | {r['documents']:,} | {r['items']:,} | {r['index_seconds']} | " + " | ".join(cells) + " |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(reports, indent=1) + "\n")
    missed = [f"{r['store']} {k} p95 {r[k]['p95_ms']} ms > {1000 * t:.0f} ms" for r in reports
              for k, t in TARGETS.items() if r[k]["p95_ms"] > 1000 * t]
    print("\n".join(["", *missed]) if missed else "\nall p95 within the targets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
