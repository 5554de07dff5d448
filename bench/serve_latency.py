"""`trialgraph serve` latency and throughput on loopback: the corpus store and a synthetic 1M-edge store.

    nice -n 10 .venv/bin/python bench/serve_latency.py [--edges 1000000] [--requests 200] [--out /tmp/serve_latency]

For each store, a real `trialgraph serve --port 0` process is started and asked over HTTP:

- p50/p95 latency of each query kind (events, events with --min-grade 3, drugs, trial, compare, evidence,
  neighbours), `--requests` requests each, one at a time, names drawn at random from the graph;
- requests/s with 8 concurrent clients (threads, one keep-alive-free connection per request) sending the
  mixed queries, bounded both in count (`--load-requests`) and in time (`--load-seconds`).

The corpus store is a `trialgraph run corpus/` into OUT/corpus (made when missing). The synthetic store is built
by bench/graph_scale.py's `build` documents through `add_document`, and only its graph.json is written
(what `serve` reads; the GraphML export of a 1M-edge graph alone takes 9 GB and 90 s, bench/README.md).
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

CLIENTS = 8


def corpus_store(out: Path) -> Path:
    folder = out / "corpus"
    if not (folder / "graph.json").is_file():
        subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(ROOT / "corpus"), "-o", str(folder)],
                       check=True, capture_output=True)
    return folder


def synthetic_store(out: Path, edges: int) -> Path:
    import networkx as nx

    from graph_scale import synthetic_document
    from pipeline.atomic import atomic_write
    from pipeline.graph.build import add_document, paused_gc

    folder = out / f"synthetic-{edges}"
    if (folder / "graph.json").is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    graph, index = nx.MultiDiGraph(), 0
    with paused_gc():
        while graph.number_of_edges() < edges:  # counting walks the graph: once per 200 documents
            for stored in (synthetic_document(i) for i in range(index, index + 200)):
                add_document(graph, stored)
            index += 200
        with atomic_write(folder / "graph.json") as handle:  # as write_graph_files writes it
            json.dump(nx.node_link_data(graph, edges="edges"), handle, ensure_ascii=False, indent=1, sort_keys=True)
    return folder


class Server:
    """A `trialgraph serve` process on a free loopback port."""

    def __init__(self, store: Path, log: Path) -> None:
        with open(log, "w") as errors:  # the request log goes there, not into a pipe nobody reads
            self.process = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--store", str(store),
                                             "--port", "0"], stdout=subprocess.PIPE, stderr=errors, text=True)
        started = time.perf_counter()
        line = self.process.stdout.readline()
        if "http://" not in line:
            raise RuntimeError(f"serve did not start: {line}{log.read_text()[-2000:]}")
        self.startup_seconds = time.perf_counter() - started
        self.base = line.split()[2].removesuffix("/openapi.json")

    def get(self, path: str, params: list[tuple[str, str]]) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(f"{self.base}{path}?{urlencode(params)}", timeout=120) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _names(store: Path, rng: random.Random) -> dict[str, list]:
    """Names to ask about: drugs, events, trials and (drug, event) pairs linked in the graph."""
    from pipeline.graph.export import read_graph_json

    graph = read_graph_json(store / "graph.json")
    by_type: dict[str, list[str]] = {}
    for node, data in graph.nodes(data=True):
        by_type.setdefault(data.get("type"), []).append(data.get("name") or node)
    pairs = [(graph.nodes[u]["name"], graph.nodes[v]["name"]) for u, v, d in graph.edges(data=True)
             if d.get("label") == "HAS_ADVERSE_EVENT" and graph.nodes[u].get("type") == "Drug"]
    trials = [node.split(":", 1)[1] for node in graph if str(node).startswith("Trial:")]
    return {"drugs": rng.sample(by_type["Drug"], min(500, len(by_type["Drug"]))),
            "events": rng.sample(by_type["AdverseEvent"], min(500, len(by_type["AdverseEvent"]))),
            "trials": rng.sample(trials, min(500, len(trials))), "pairs": rng.sample(pairs, min(500, len(pairs))),
            "edges": graph.number_of_edges(), "nodes": graph.number_of_nodes()}


def _queries(names: dict[str, list], rng: random.Random) -> dict[str, object]:
    def pair() -> list[tuple[str, str]]:
        drug, event = rng.choice(names["pairs"])
        return [("drug", drug), ("event", event)]

    return {
        "events DRUG": lambda: ("/events", [("drug", rng.choice(names["drugs"]))]),
        "events DRUG min_grade=3": lambda: ("/events", [("drug", rng.choice(names["drugs"])), ("min_grade", "3")]),
        "drugs EVENT": lambda: ("/drugs", [("event", rng.choice(names["events"]))]),
        "trial NCT": lambda: ("/trial", [("id", rng.choice(names["trials"]))]),
        "compare EVENT DRUG DRUG": lambda: ("/compare", [("event", rng.choice(names["events"])),
                                                         ("drug", rng.choice(names["drugs"])),
                                                         ("drug", rng.choice(names["drugs"]))]),
        "evidence DRUG EVENT": lambda: ("/evidence", pair()),
        "neighbours DRUG depth=1": lambda: ("/neighbours", [("name", rng.choice(names["drugs"]))]),
    }


def _ms(seconds: list[float]) -> dict[str, float]:
    seconds = sorted(seconds)
    return {"p50_ms": round(1000 * statistics.median(seconds), 2),
            "p95_ms": round(1000 * seconds[int(0.95 * (len(seconds) - 1))], 2), "max_ms": round(1000 * seconds[-1], 2)}


def measure(store: Path, requests: int, load_requests: int, load_seconds: float) -> dict:
    rng = random.Random(0)
    names = _names(store, rng)
    queries = _queries(names, rng)
    server = Server(store, store / "serve_latency.log")
    try:
        latency, statuses = {}, {}
        for kind, make in queries.items():
            seconds = []
            for _ in range(requests):
                path, params = make()
                started = time.perf_counter()
                status, _ = server.get(path, params)
                seconds.append(time.perf_counter() - started)
                statuses[status] = statuses.get(status, 0) + 1
            latency[kind] = _ms(seconds)
        mixed = [make() for make in queries.values() for _ in range(load_requests // len(queries) + 1)]
        rng.shuffle(mixed)
        mixed = mixed[:load_requests]
        deadline = time.perf_counter() + load_seconds
        done, lock = [], threading.Lock()

        def one(request: tuple[str, list]) -> None:
            if time.perf_counter() > deadline:
                return
            started = time.perf_counter()
            status, _ = server.get(*request)
            with lock:
                done.append((status, time.perf_counter() - started))

        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(one, mixed))
        elapsed = time.perf_counter() - started
        load_statuses: dict[int, int] = {}
        for status, _ in done:
            load_statuses[status] = load_statuses.get(status, 0) + 1
        return {"store": str(store), "nodes": names["nodes"], "edges": names["edges"],
                "server_start_seconds": round(server.startup_seconds, 1), "latency": latency,
                "statuses": statuses,
                "concurrent": {"clients": CLIENTS, "requests": len(done), "seconds": round(elapsed, 1),
                               "requests_per_second": round(len(done) / elapsed, 1), "statuses": load_statuses,
                               **_ms([s for _, s in done])}}
    finally:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edges", type=int, default=1_000_000, help="edges of the synthetic store")
    parser.add_argument("--requests", type=int, default=200, help="sequential requests per query kind")
    parser.add_argument("--load-requests", type=int, default=2_000, help="at most this many concurrent-phase requests")
    parser.add_argument("--load-seconds", type=float, default=60, help="and at most this long")
    parser.add_argument("--out", default="/tmp/serve_latency", help="where the stores go (not outputs/)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    report = {}
    for name, make in (("corpus", lambda: corpus_store(out)), ("synthetic", lambda: synthetic_store(out, args.edges))):
        started = time.perf_counter()
        store = make()
        report[name] = {"store_seconds": round(time.perf_counter() - started, 1),
                        **measure(store, args.requests, args.load_requests, args.load_seconds)}
        print(json.dumps({name: report[name]}, indent=1), flush=True)
    (out / "serve_latency.json").write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
