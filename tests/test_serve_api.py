"""`trialgraph serve`: a real server on an ephemeral loopback port over a store built from the seed trial,
answering like `trialgraph query ... --json`, paging, erring in JSON, and following a store that changes."""
from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from graph_fixtures import trial_documents
from helpers import serving
from pipeline.graph.build import build_graph
from pipeline.graph.export import write_graph
from pipeline.serve import ROUTES, LiveGraph, create_app

# (CLI arguments after `query`, the same query as the API's path and parameters)
QUERIES = (
    (["events", "sorafenib", "--min-grade", "3"], "/events", {"drug": "sorafenib", "min_grade": 3}),
    (["drugs", "Rash", "--document", "002_1350d4869f79fc29.txt"], "/drugs",
     {"event": "Rash", "document": "002_1350d4869f79fc29.txt"}),
    (["trial", "NCT00389285"], "/trial", {"id": "NCT00389285"}),
    (["compare", "exanthem", "sorafenib", "bevacizumab"], "/compare",
     [("event", "exanthem"), ("drug", "sorafenib"), ("drug", "bevacizumab")]),
    (["evidence", "sorafenib", "Fatigue", "--trial", "NCT00389285"], "/evidence",
     {"drug": "sorafenib", "event": "Fatigue", "trial": "NCT00389285"}),
    (["neighbours", "interleukin-21", "--depth", "2", "--min-evidence", "2"], "/neighbours",
     {"name": "interleukin-21", "depth": 2, "min_evidence": 2}),
)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("serve-store")
    write_graph(build_graph(trial_documents()), folder)
    return folder


def _running(folder: Path) -> Iterator[str]:
    with serving(create_app(LiveGraph(folder))) as base:
        yield base


@pytest.fixture(scope="module")
def api(store) -> Iterator[str]:
    yield from _running(store)


def get(base: str, path: str, params=(), method: str = "GET") -> tuple[int, dict]:
    request = urllib.request.Request(f"{base}{path}?{urlencode(params)}", method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def cli_json(store: Path, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "query", "--store", str(store), *args, "--json"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("cli_args, path, params", QUERIES, ids=[q[0][0] for q in QUERIES])
def test_serve_api_answers_like_the_cli_json(store, api, cli_args, path, params):
    status, body = get(api, path, params)
    assert status == 200, body
    expected = cli_json(store, *cli_args)
    page = body.pop("page", None)
    assert body == expected
    assert expected != {} and any(value for value in expected.values() if isinstance(value, list))
    route = ROUTES[path.lstrip("/")]
    assert (page is None) == (not route.paged)
    if page:
        assert page["total"] == {key: len(expected[key]) for key in route.paged} and page["next_offset"] is None


def test_serve_api_pages_long_lists(api):
    _, whole = get(api, "/neighbours", {"name": "interleukin-21", "depth": 2})
    assert len(whole["nodes"]) > 3 and len(whole["edges"]) > 3
    status, page = get(api, "/neighbours", {"name": "interleukin-21", "depth": 2, "offset": 2, "limit": 2})
    assert status == 200
    assert page["nodes"] == whole["nodes"][2:4] and page["edges"] == whole["edges"][2:4]
    assert page["page"] == {"offset": 2, "limit": 2, "next_offset": 4,
                            "total": {"nodes": len(whole["nodes"]), "edges": len(whole["edges"])}}


def test_serve_api_unknown_name_is_404_with_candidates(api):
    status, body = get(api, "/events", {"drug": "sorafenb"})
    assert status == 404 and body["type"] == "Drug" and body["name"] == "sorafenb"
    assert "sorafenib" in body["candidates"] and "no Drug named 'sorafenb'" in body["error"]
    status, body = get(api, "/trial", {"id": "NCT00389286"})
    assert status == 404 and "NCT00389285" in body["candidates"]
    status, body = get(api, "/events", {"drug": "sorafenib", "document": "002_1350d4869f79fc2.txt"})
    assert status == 404 and body["candidates"] == ["002_1350d4869f79fc29.txt"]


@pytest.mark.parametrize("path, params, parameter", [
    ("/events", {"drug": "sorafenib", "min_grade": "three"}, "min_grade"),
    ("/events", {"drug": "sorafenib", "min_grade": 6}, "min_grade"),
    ("/events", {"drug": "sorafenib", "limit": 0}, "limit"),
    ("/events", {}, "drug"),
    ("/events", {"drug": "sorafenib", "min_grde": 3}, "min_grde"),
    ("/trial", {"id": "NCT00389285", "min_grade": 3}, "min_grade"),
    ("/compare", {"event": "Rash"}, "drug"),
    ("/neighbours", {"name": "sorafenib", "depth": 9}, "depth"),
])
def test_serve_api_bad_parameter_is_400_naming_it(api, path, params, parameter):
    status, body = get(api, path, params)
    assert status == 400 and body["parameter"] == parameter and repr(parameter) in body["error"]


def test_serve_api_is_read_only_and_describes_itself(api):
    status, body = get(api, "/events", {"drug": "sorafenib"}, method="POST")
    assert status == 405 and "read-only" in body["error"]
    status, body = get(api, "/nowhere")
    assert status == 404 and "/events" in body["endpoints"]
    status, description = get(api, "/openapi.json")
    assert status == 200 and description["openapi"].startswith("3.")
    for kind, route in ROUTES.items():
        operation = description["paths"][f"/{kind}"]["get"]
        assert {p["name"] for p in operation["parameters"]} == {p.name for p in route.params}
        assert {p["name"] for p in operation["parameters"] if p["required"]} == {p.name for p in route.names}


def test_serve_api_refuses_other_host_names(api):
    request = urllib.request.Request(f"{api}/health", headers={"Host": "attacker.example"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 400 and "--allowed-host" in json.loads(refused.value.read())["error"]


def test_serve_api_follows_a_store_that_changes(tmp_path):
    registry_only = [d for d in trial_documents() if d.document.trial is not None]
    assert registry_only
    for base in _running(tmp_path):
        status, body = get(base, "/events", {"drug": "sorafenib"})
        assert status == 503 and "trialgraph run" in body["error"]
        write_graph(build_graph(registry_only), tmp_path)
        status, before = get(base, "/events", {"drug": "sorafenib"})
        assert status == 200 and before["events"] == []
        write_graph(build_graph(trial_documents()), tmp_path)  # a later run adds the paper
        status, after = get(base, "/events", {"drug": "sorafenib"})
        assert status == 200 and "Rash" in {e["name"] for e in after["events"]}


def test_serve_api_command_prints_its_address_and_serves(store, tmp_path):
    missing = subprocess.run([sys.executable, "-m", "pipeline.cli", "serve", "--store", str(tmp_path)],
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and "trialgraph run" in missing.stderr
    process = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--store", str(store), "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith("TrialGraph API: http://127.0.0.1:") and "/openapi.json" in line
        base = line.split()[2].removesuffix("/openapi.json")
        status, health = get(base, "/health")
        assert status == 200 and health["edges"] > 0 and health["store"] == str(store)
    finally:
        process.terminate()
        process.wait(timeout=30)
