"""Knowledge-graph scale: a synthetic graph of N edges built through `add_document`, saved, loaded, queried.

    nice -n 10 .venv/bin/python bench/graph_scale.py [--edges 1000000] [--out /tmp/graph_scale]

Synthetic stored documents look like real ones: a paper registered to a trial, two drugs given together
(title mentions, a dose each), one drug named only as prior therapy, ten adverse events reported with both
drugs in sentences and as Table 2 incidence cells (any grade and grade 3) of their regimen, conditions,
endpoints with results and a response table. Concepts come from fixed vocabularies, so nodes are shared
across documents as in a real corpus.

Reports: build time at 10k, 100k and N edges (checkpoints of one incremental build, with edges/s per
segment: linear growth keeps it flat), time to write the exports, load time of graph.json (in a fresh
process, name index included), resident memory after load, and p50/p95 of single queries after load.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.document import Document, Section, Table  # noqa: E402
from pipeline.records import IncidenceFact, Mention, RegimenDrug, Relation, ResponseFact  # noqa: E402
from pipeline.store import StoredDocument  # noqa: E402

DRUGS, EVENTS, CONDITIONS, ENDPOINTS, TRIALS = 2_000, 3_000, 500, 200, 5_000
CHECKPOINTS = (10_000, 100_000)


def _entity(label: str, start: int, text: str, norm: list[str], section: str, sentence: tuple[int, int],
            **extra) -> dict:
    return {"label": label, "start": start, "end": start + len(text), "text": text, "norm": norm,
            "concept": text, "negated": False, "context": None, "section": section, "sentence": list(sentence),
            **extra}


def synthetic_document(index: int) -> StoredDocument:
    """One synthetic paper, reproducible from its index."""
    rng = random.Random(index)
    drugs = rng.sample(range(DRUGS), 3)
    events = rng.sample(range(EVENTS), 10)
    conditions = rng.sample(range(CONDITIONS), 2)
    endpoints = rng.sample(range(ENDPOINTS), 2)
    trial = f"NCT{rng.randrange(TRIALS):08d}"
    names = {d: f"drug{d}" for d in drugs}
    parts, entities, relations = [], [], []

    def sentence(text: str, section: str) -> tuple[int, int, str]:
        start = sum(len(p) + 1 for p in parts)
        parts.append(text)
        return start, start + len(text), section

    a, b, prior = drugs
    s0, e0, sec = sentence(f"{names[a]} plus {names[b]} in condition{conditions[0]}: a phase 2 trial", "title")
    entities += [_entity("DRUG", s0, names[a], [f"SYN:D{a}"], sec, (s0, e0)),
                 _entity("DRUG", s0 + len(names[a]) + 6, names[b], [f"SYN:D{b}"], sec, (s0, e0))]
    offset = s0 + len(f"{names[a]} plus {names[b]} in ")
    entities.append(_entity("CONDITION", offset, f"condition{conditions[0]}", [f"SYN:C{conditions[0]}"], sec,
                            (s0, e0)))
    s1, e1, sec = sentence(f"Trial registration: ClinicalTrials.gov Identifier: {trial}", "abstract")
    s2, e2, sec = sentence(f"Patients had received {names[prior]} before and had condition{conditions[1]}.",
                           "methods")
    entities.append(_entity("DRUG", s2 + 22, names[prior], [f"SYN:D{prior}"], sec, (s2, e2),
                            context="prior_therapy"))
    entities.append(_entity("CONDITION", s2 + 22 + len(names[prior]) + 21, f"condition{conditions[1]}",
                            [f"SYN:C{conditions[1]}"], sec, (s2, e2)))
    for drug in (a, b):
        text = f"{names[drug]} was given at {rng.choice((10, 30, 400))} mg twice daily."
        s, e, sec = sentence(text, "methods")
        entities.append(_entity("DRUG", s, names[drug], [f"SYN:D{drug}"], sec, (s, e)))
        dose_text = text[len(names[drug]) + 13 : -1]
        entities.append(_entity("DOSE", s + len(names[drug]) + 13, dose_text, [], sec, (s, e),
                                dose={"amount": float(dose_text.split()[0]), "unit": "mg", "route": "oral",
                                      "frequency": "twice daily", "schedule": None}))
        relations.append({"head": len(entities) - 2, "tail": len(entities) - 1, "label": "HAS_DOSE",
                          "confidence": 0.9, "extractor": "rules"})
    drug_index = {a: 0, b: 1}
    for event in events:
        text = f"With {names[a]} and {names[b]}, event{event} occurred in some patients (grade 3 in a few)."
        s, e, sec = sentence(text, "results")
        entities.append(_entity("ADVERSE_EVENT", s + text.index("event"), f"event{event}", [f"SYN:E{event}"], sec,
                                (s, e), grade=rng.choice((None, "2", "3", ">=3")), serious=False))
        for drug in (a, b):
            relations.append({"head": drug_index[drug], "tail": len(entities) - 1, "label": "HAS_ADVERSE_EVENT",
                              "confidence": 0.7, "extractor": "rules"})
    for endpoint in endpoints:
        text = f"The endpoint{endpoint} was {rng.randrange(5, 60)}% [95% CI: 3, 70]."
        s, e, sec = sentence(text, "results")
        value = float(text.split(" was ")[1].split("%")[0])
        entities.append(_entity("ENDPOINT", s + 4, f"endpoint{endpoint}", [f"SYN:P{endpoint}"], sec, (s, e),
                                result={"value": value, "unit": "%", "ci": [3.0, 70.0], "n": None, "total": None,
                                        "text": text[4:-1]}))
        relations.append({"head": 0, "tail": len(entities) - 1, "label": "HAS_ENDPOINT", "confidence": 0.6,
                          "extractor": "rules"})
    relations.append({"head": 0, "tail": 2, "label": "TREATS", "confidence": 0.7, "extractor": "rules"})
    text = "\n".join(parts)
    regimen = (RegimenDrug(name=names[a], norm=(f"SYN:D{a}",)), RegimenDrug(name=names[b], norm=(f"SYN:D{b}",)))
    rows = [[f"event{event}", f"{n} ({round(100 * n / 40)})", f"{n // 3} ({round(100 * (n // 3) / 40)})"]
            for event, n in zip(events, (rng.randrange(3, 40) for _ in events))]
    facts = []
    for row, cells in enumerate(rows):
        for column, grade in ((1, "any"), (2, "3")):
            n = int(cells[column].split()[0])
            facts.append(IncidenceFact(
                table="T2", row=row, column=column, cell=cells[column], event=cells[0], norm=(f"SYN:E{events[row]}",),
                concept=cells[0], grade=grade, n=n, total=40, percent=round(100 * n / 40, 1), arm="combination",
                arm_kind=None, regimen=regimen, dose="400 mg", serious=None, warnings=(), column_label=None,
                group=None, section=None, category=None, laboratory=False))
    for row, (category, code) in enumerate((("Partial response", "PR"), ("Stable disease", "SD"))):
        n = rng.randrange(1, 20)
        facts.append(ResponseFact(
            table="T3", row=row, column=1, cell=f"{n} ({n * 2.5:g}%)", category=category, code=code, n=n, total=40,
            percent=n * 2.5, arm="combination", arm_kind=None, regimen=regimen, warnings=(), column_label=None))
    document = Document(
        id=f"doc-{index:016x}", source_path=f"synthetic/{index}.txt", format="text", title=parts[0], text=text,
        sections=[Section(name="Results", kind="results", start=0, end=len(text), text=text)],
        tables=[Table(id="T2", caption="Table 2 Adverse events", header_rows=[["Event", "Any grade", "Grade 3"]],
                      rows=rows, section="Results"),
                Table(id="T3", caption="Table 3 Best response", header_rows=[["Response", "n (%)"]],
                      rows=[["Partial response", ""], ["Stable disease", ""]], section="Results")],
        nct_ids=[trial],
    )
    return StoredDocument(document, "synthetic-1", tuple(Mention.from_dict(e) for e in entities),
                          tuple(Relation.from_dict(r) for r in relations), tuple(facts))


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _peak_rss_mb() -> float:
    """This process's high-water resident memory (VmHWM: unlike ru_maxrss, not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def build(target: int, out: Path) -> dict:
    from pipeline.graph.build import add_document, paused_gc
    from pipeline.graph.export import write_graph

    import networkx as nx

    graph = nx.MultiDiGraph()
    checkpoints, index, elapsed = [], 0, 0.0
    pending = [c for c in CHECKPOINTS if c < target] + [target]
    while pending:
        documents = [synthetic_document(i) for i in range(index, index + 20)]
        index += len(documents)
        started = time.perf_counter()
        with paused_gc():  # as build_graph does
            for stored in documents:
                add_document(graph, stored)
        elapsed += time.perf_counter() - started
        edges = graph.number_of_edges()  # O(nodes): counted per 20 documents, outside the timed part
        if edges >= pending[0]:
            checkpoints.append({"edges": edges, "nodes": graph.number_of_nodes(), "documents": index,
                                "seconds": round(elapsed, 2)})
            pending.pop(0)
    previous = {"edges": 0, "seconds": 0.0}
    for point in checkpoints:
        point["edges_per_second"] = round((point["edges"] - previous["edges"]) / (point["seconds"] - previous["seconds"]))
        previous = point
    build_rss = _rss_mb()
    started = time.perf_counter()
    paths = write_graph(graph, out)
    write_seconds = time.perf_counter() - started
    sizes = {k: round(p.stat().st_size / 2**20, 1) for k, p in paths.items() if p.is_file()}
    return {"checkpoints": checkpoints, "rss_after_build_mb": round(build_rss), "write_seconds": round(write_seconds, 1),
            "peak_rss_build_and_write_mb": round(_peak_rss_mb()), "file_mb": sizes}


def load_and_query(folder: Path, queries_per_kind: int) -> dict:
    """In this (fresh) process: load graph.json, build the name index, then time single queries."""
    from pipeline.graph.api import KnowledgeGraph
    from pipeline.process import freeze_long_lived_objects

    started = time.perf_counter()
    knowledge = KnowledgeGraph.load(folder)
    freeze_long_lived_objects()  # the loaded graph lives as long as the process
    read_seconds = time.perf_counter() - started
    knowledge.index  # the name index, built once per load
    load_seconds = time.perf_counter() - started
    rss = _rss_mb()
    graph = knowledge.graph
    drugs = sorted({n.split(":", 1)[1] for n in graph if n.startswith("Drug:")})
    events = sorted({n.split(":", 1)[1] for n in graph if n.startswith("AdverseEvent:")})
    trials = sorted({n.split(":", 1)[1] for n in graph if n.startswith("Trial:")})
    rng = random.Random(0)
    pairs = _drug_event_pairs(graph, rng.sample(drugs, min(500, len(drugs))))
    kinds = {
        "events DRUG": lambda: knowledge.query("events", rng.choice(drugs)),
        "events DRUG --min-grade 3": lambda: knowledge.query("events", rng.choice(drugs), min_grade=3),
        "drugs EVENT": lambda: knowledge.query("drugs", rng.choice(events)),
        "trial NCT": lambda: knowledge.query("trial", rng.choice(trials)),
        "compare EVENT DRUG DRUG": lambda: knowledge.query("compare", rng.choice(events), rng.choice(drugs),
                                                           rng.choice(drugs)),
        "evidence DRUG EVENT": lambda: knowledge.query("evidence", *rng.choice(pairs)),
        "neighbours DRUG --depth 1": lambda: knowledge.query("neighbours", rng.choice(drugs)),
    }
    timings = {}
    for name, run in kinds.items():
        seconds = []
        for _ in range(queries_per_kind):
            started = time.perf_counter()
            run()
            seconds.append(time.perf_counter() - started)
        seconds.sort()
        timings[name] = {"p50_ms": round(1000 * statistics.median(seconds), 2),
                         "p95_ms": round(1000 * seconds[int(0.95 * (len(seconds) - 1))], 2),
                         "max_ms": round(1000 * seconds[-1], 2)}
    return {"edges": graph.number_of_edges(), "nodes": graph.number_of_nodes(),
            "read_json_seconds": round(read_seconds, 2), "load_seconds": round(load_seconds, 2),
            "rss_after_load_mb": round(rss), "peak_rss_mb": round(_peak_rss_mb()),
            "queries": timings}


def _drug_event_pairs(graph, drugs: list[str]) -> list[tuple[str, str]]:
    """(drug, event) identifiers linked in text, one per drug that has any."""
    pairs = []
    for drug in drugs:
        events = [v for _, v, d in graph.out_edges(f"Drug:{drug}", data=True) if d["label"] == "HAS_ADVERSE_EVENT"]
        if events:
            pairs.append((drug, events[0].split(":", 1)[1]))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--out", default="/tmp/graph_scale", help="where the exports go (not outputs/)")
    parser.add_argument("--queries", type=int, default=200, help="queries per kind")
    parser.add_argument("--load-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    out = Path(args.out)
    if args.load_only:
        print(json.dumps(load_and_query(out, args.queries)))
        return
    report = {"target_edges": args.edges, "build": build(args.edges, out)}
    print(json.dumps(report["build"], indent=1), flush=True)
    loaded = subprocess.run([sys.executable, __file__, "--load-only", "--out", str(out), "--queries",
                             str(args.queries)], capture_output=True, text=True, check=True)
    report["load"] = json.loads(loaded.stdout)
    print(json.dumps(report["load"], indent=1))
    (out / "graph_scale.json").write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
