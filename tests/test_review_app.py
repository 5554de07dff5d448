"""The review app over a real store (built by `trialgraph run`), through Flask's test client."""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlparse

import pytest
from review_fixtures import INCIDENCE, TABLE_SOURCE, add_table_document, built, out, settle, span  # noqa: F401  (built: out's fixture)

from pipeline.cli import main
from pipeline.review.app import create_app
from pipeline.store import Store
from pipeline.store.curation import Curation


@pytest.fixture
def client(out):
    return create_app(out, curator="ana").test_client()


def _token(client) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").get_data(as_text=True))[1]


def _queue_keys(client, query: str = "") -> list[str]:
    page = client.get("/" + query).get_data(as_text=True)
    return [parse_qs(urlparse(href.replace("&amp;", "&")).query)["key"][0]
            for href in re.findall(r'data-href="([^"]+)"', page)]


def _note(out):
    with Store(out / "trialgraph.db") as store:
        return next(s.document for s in store.documents() if s.document.source_path.endswith("rash_note.txt"))


def _document_id(out) -> str:
    return _note(out).id


def _relation(label: str, head: tuple[int, int], tail: tuple[int, int]) -> str:
    return f"relation:{label}:{head[0]}-{head[1]}>{tail[0]}-{tail[1]}"


def _events(out, drug: str) -> dict:
    return {e["name"].lower(): e for e in _query(out, "events", drug)["events"]}


def _query(out, kind: str, name: str) -> dict:
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["query", kind, name, "--json", "--store", str(out)]) == 0
    return json.loads(buffer.getvalue())


def _decide(client, out, key: str, status: str, version: int = 0, **fields):
    form = {"csrf_token": _token(client), "doc": _document_id(out), "key": key, "decision": status,
            "version": str(version), **fields}
    response = client.post("/decide", data=form)
    settle(client.application)
    return response


def test_review_app_queue_puts_the_grade_3_event_first(client):
    keys = _queue_keys(client)
    hypertension, treated_with = span("hypertension"), span("sorafenib", 2)
    assert keys[0] == _relation("HAS_ADVERSE_EVENT", treated_with, hypertension)
    assert keys[1] == f"mention:ADVERSE_EVENT:{hypertension[0]}-{hypertension[1]}"
    assert len(keys) == len(set(keys)) > 15


def test_review_app_queue_filters_by_event_label_kind_and_status(client, out):
    rash = span("rash")
    assert set(_queue_keys(client, "?event=rash")) == {
        f"mention:ADVERSE_EVENT:{rash[0]}-{rash[1]}", _relation("HAS_ADVERSE_EVENT", span("sorafenib", 1), rash)}
    events = _queue_keys(client, "?kind=mention&label=ADVERSE_EVENT")
    assert {k.split(":")[1] for k in events} == {"ADVERSE_EVENT"}
    assert {f"mention:ADVERSE_EVENT:{s}-{e}" for s, e in (span("diarrhea"), span("fatigue"))} <= set(events)
    interleukin = _queue_keys(client, "?drug=interleukin&kind=relation")
    assert interleukin and all(k.startswith("relation:TREATS:{}-{}>".format(*span("interleukin-21")))
                               for k in interleukin)
    assert _queue_keys(client, "?status=rejected") == []
    _decide(client, out, f"mention:ADVERSE_EVENT:{rash[0]}-{rash[1]}", "rejected")
    assert _queue_keys(client, "?status=rejected") == [f"mention:ADVERSE_EVENT:{rash[0]}-{rash[1]}"]
    everything, uncertain = set(_queue_keys(client)), set(_queue_keys(client, "?max_confidence=0.5"))
    # items without a confidence (mentions) stay; the surer relations go
    assert {k for k in everything if k.startswith("mention:")} <= uncertain < everything
    assert client.get("/?max_confidence=high").status_code == 400


def test_review_app_shows_document_text_as_text(client, out):
    doc = _document_id(out)
    chart = span("sorafenib", 3)
    for page in (client.get(f"/document/{doc}"),
                 client.get(f"/item?doc={doc}&key=mention:DRUG:{chart[0]}-{chart[1]}"),
                 client.get("/?drug=sorafenib&kind=mention")):
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "&lt;script&gt;document.title=&#34;pwned&#34;&lt;/script&gt;" in html
        assert "<script>document.title" not in html
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_review_app_refuses_a_decision_without_the_csrf_token(client, out):
    rash = span("rash")
    response = client.post("/decide", data={"doc": _document_id(out), "key": f"mention:ADVERSE_EVENT:{rash[0]}-{rash[1]}",
                                            "decision": "rejected", "version": "0", "csrf_token": "forged"})
    assert response.status_code == 400 and "security token" in response.get_data(as_text=True)
    with Store(out / "trialgraph.db") as store:
        assert Curation(store).decisions() == {}


def test_review_app_rejection_and_correction_reach_trialgraph_query(client, out):
    before = _events(out, "sorafenib")
    assert {"rash", "diarrhoea", "hypertension"} <= set(before)  # MedDRA preferred terms
    rash_relation = _relation("HAS_ADVERSE_EVENT", span("sorafenib", 1), span("rash"))
    response = _decide(client, out, rash_relation, "rejected", comment="listed, not attributed")
    assert response.status_code == 302 and response.headers["Location"].startswith("/item?")
    hypertension = span("hypertension")
    response = _decide(client, out, f"mention:ADVERSE_EVENT:{hypertension[0]}-{hypertension[1]}", "corrected",
                       c_label="ADVERSE_EVENT", c_start=str(span("Grade 3 hypertension")[0]), c_end=str(hypertension[1]),
                       c_norm="MEDDRA:10020772", c_concept="Hypertension")
    assert response.status_code == 302
    after = _events(out, "sorafenib")
    assert "rash" not in after and "diarrhoea" in after
    assert after["hypertension"]["norm"][0] == "MEDDRA:10020772"
    assert _query(out, "drugs", "MEDDRA:10020772")["drugs"][0]["name"].lower() == "sorafenib"


def test_review_app_second_curator_on_a_stale_version_sees_the_first_decision(client, out):
    rash = f"mention:ADVERSE_EVENT:{span('rash')[0]}-{span('rash')[1]}"
    assert _decide(client, out, rash, "accepted", comment="a harm of sorafenib").status_code == 302
    other = create_app(out, curator="ben").test_client()
    response = _decide(other, out, rash, "rejected", version=0)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "ana marked it <b>accepted</b>" in html and "a harm of sorafenib" in html
    assert 'name="version" value="1"' in html
    with Store(out / "trialgraph.db") as store:
        assert Curation(store).decision(_note(out).source_path, rash).status == "accepted"


def test_review_app_agreement_page_gives_kappa_of_two_curators(client, out):
    assert "No item has been decided by two curators yet" in client.get("/agreement").get_data(as_text=True)
    rash = f"mention:ADVERSE_EVENT:{span('rash')[0]}-{span('rash')[1]}"
    assert _decide(client, out, rash, "accepted").status_code == 302
    other = create_app(out, curator="ben").test_client()
    assert _decide(other, out, rash, "rejected", version=1).status_code == 302
    page = client.get("/agreement").get_data(as_text=True)
    assert "ana · ben" in page and "mention ADVERSE_EVENT" in page and "0.000" in page  # one item, disagreed


def test_review_app_invalid_correction_is_explained_and_not_saved(client, out):
    rash = span("rash")
    response = _decide(client, out, f"mention:ADVERSE_EVENT:{rash[0]}-{rash[1]}", "corrected",
                       c_label="ADVERSE_EVENT", c_start=str(rash[0]), c_end=str(rash[1]), c_norm="skin rash")
    assert response.status_code == 400 and "CURIEs" in response.get_data(as_text=True)
    with Store(out / "trialgraph.db") as store:
        assert Curation(store).decisions() == {}


def test_review_app_fact_shows_its_table_cell_and_takes_corrected_numbers(client, out):
    document_id = add_table_document(out)
    page = client.get(f"/item?doc={document_id}&key=fact:T2:0:1").get_data(as_text=True)
    assert re.search(r'<td class="cell-marked" id="cell-marked">31 \(94\)</td>', page)
    assert "Adverse events &lt;i&gt;any grade&lt;/i&gt;" in page
    response = client.post("/decide", data={
        "csrf_token": _token(client), "doc": document_id, "key": "fact:T2:0:1", "decision": "corrected", "version": "0",
        "c_event": "Rash", "c_grade": "any", "c_n": "30", "c_total": "33", "c_percent": "91", "c_arm": "Sorafenib"})
    assert response.status_code == 302
    with Store(out / "trialgraph.db") as store:
        fact = next(s for s in store.documents() if s.document.source_path == TABLE_SOURCE).facts[0]
        decision = Curation(store).decision(TABLE_SOURCE, "fact:T2:0:1")
    assert (fact.n, fact.total, fact.percent, fact.curation) == (30, 33, 91.0, "corrected")
    assert decision.correction == {"n": 30, "percent": 91.0} and decision.original == INCIDENCE.to_dict()
    settle(client.application)
    rash = _events(out, "sorafenib")["rash"]  # `query --json` says which values a curator corrected
    assert rash["curation"] == "corrected"
    assert [(i["n"], i.get("curation")) for i in rash["incidence"]] == [(30, "corrected")]
    assert "curation" not in _events(out, "sorafenib")["diarrhoea"]


def test_review_app_undo_from_the_audit_trail_brings_the_item_back(client, out):
    rash_relation = _relation("HAS_ADVERSE_EVENT", span("sorafenib", 1), span("rash"))
    _decide(client, out, rash_relation, "rejected")
    assert "rash" not in _events(out, "sorafenib")
    audit = client.get("/audit").get_data(as_text=True)
    (entry,) = re.findall(r'action="/undo/(\d+)"', audit)
    response = client.post(f"/undo/{entry}", data={"csrf_token": _token(client), "next": "/audit"})
    assert response.status_code == 302
    settle(client.application)
    assert "rash" in _events(out, "sorafenib")
    audit = client.get("/audit").get_data(as_text=True)
    assert "undid #" in audit and "relation HAS_ADVERSE_EVENT “sorafenib → rash”" in audit  # in words
    assert len(re.findall(r'action="/undo/(\d+)"', audit)) == 1  # only the latest change of an item
    assert client.get("/audit?curator=nobody").get_data(as_text=True).count('action="/undo/') == 0


def test_review_app_numeric_parameters_are_bounded(client, out):
    rash_relation = _relation("HAS_ADVERSE_EVENT", span("sorafenib", 1), span("rash"))
    _decide(client, out, rash_relation, "rejected")
    huge = "99999999999999999999"
    for url in (f"/audit?limit={huge}", "/audit?limit=-1", "/audit?limit=0", "/audit?limit=ten", f"/?page={huge}",
                f"/document/{_document_id(out)}?row={huge}&column=1&table=T2"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "must be a whole number from" in response.get_data(as_text=True)
    assert client.get("/audit?limit=1").status_code == 200
    assert len(re.findall(r'action="/undo/(\d+)"', client.get("/audit?limit=1").get_data(as_text=True))) == 1
    assert client.post(f"/undo/{huge}", data={"csrf_token": _token(client), "next": "/audit"}).status_code == 404
    assert client.post("/undo/-1", data={"csrf_token": _token(client), "next": "/audit"}).status_code == 404
    response = _decide(client, out, f"mention:ADVERSE_EVENT:{span('rash')[0]}-{span('rash')[1]}", "accepted",
                       version=huge)
    assert response.status_code == 400 and "version must be a whole number" in response.get_data(as_text=True)
    with Store(out / "trialgraph.db") as store:
        assert store.connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert len(Curation(store).log()) == 1


def test_review_app_answers_only_the_host_names_it_was_started_for(out):
    from pipeline.review.app import allowed_host_names

    client = create_app(out, curator="ana", allowed_hosts=allowed_host_names("127.0.0.1")).test_client()
    for host in ("127.0.0.1:8765", "localhost:8765", "[::1]:8765", "LOCALHOST"):
        assert client.get("/", headers={"Host": host}).status_code == 200, host
    for host in ("attacker.example", "attacker.example:8765", "127.0.0.1.attacker.example", ""):
        response = client.get("/", headers={"Host": host})
        assert response.status_code == 400, host
        assert "--allowed-host" in response.get_data(as_text=True)
    named = create_app(out, allowed_hosts=allowed_host_names("127.0.0.1", ["review.lab.example"])).test_client()
    assert named.get("/", headers={"Host": "review.lab.example:8765"}).status_code == 200
    assert named.get("/", headers={"Host": "other.lab.example:8765"}).status_code == 400


def test_review_app_document_view_marks_the_fact_cell(client, out):
    document_id = add_table_document(out)
    page = client.get(f"/document/{document_id}?table=T2&row=0&column=1").get_data(as_text=True)
    assert re.search(r'<td class="cell-marked" id="cell-marked">31 \(94\)</td>', page)
    assert page.count("cell-marked") == 2  # the class and the id of that one cell
    assert "cell-marked" not in client.get(f"/document/{document_id}").get_data(as_text=True)


def test_review_app_drug_filter_with_a_label_gives_the_drugs_events(client):
    events = _queue_keys(client, "?drug=sorafenib&label=ADVERSE_EVENT")
    wanted = {f"mention:ADVERSE_EVENT:{s}-{e}" for s, e in (span("rash"), span("diarrhea"), span("hypertension"))}
    assert wanted <= set(events) and all(k.startswith("mention:ADVERSE_EVENT:") for k in events)
    assert _queue_keys(client, "?drug=interleukin&label=ADVERSE_EVENT") == []


def test_review_app_text_search_finds_the_words_of_the_evidence(client):
    found = _queue_keys(client, "?q=nurse typed")
    chart = span("sorafenib", 3)
    assert f"mention:DRUG:{chart[0]}-{chart[1]}" in found
    assert all(":" in k for k in found) and len(found) < len(_queue_keys(client))
    assert _queue_keys(client, "?q=100%25_") == []  # LIKE's wildcards are searched as text


def test_review_app_decision_answers_before_the_exports_are_rebuilt(client, out):
    from pipeline.review.app import EXPORTS_EXTENSION

    graph = out / "graph.json"
    before = graph.stat().st_mtime_ns
    rash = span("rash")
    form = {"csrf_token": _token(client), "doc": _document_id(out), "key": f"mention:ADVERSE_EVENT:{rash[0]}-{rash[1]}",
            "decision": "rejected", "version": "0"}
    assert client.post("/decide", data=form).status_code == 302
    exports = client.application.extensions[EXPORTS_EXTENSION]
    assert graph.stat().st_mtime_ns == before and exports.status().stale  # rebuilt after the request, not in it
    assert "graph exports: waiting to rebuild" in client.get("/audit").get_data(as_text=True)
    settle(client.application)
    assert graph.stat().st_mtime_ns > before and not exports.status().stale
    assert "rash" not in _events(out, "sorafenib")


def test_review_app_queue_follows_documents_stored_while_it_runs(client, out):
    assert _queue_keys(client, "?kind=fact") == []
    add_table_document(out)  # as a `trialgraph run` writing the store meanwhile
    assert _queue_keys(client, "?kind=fact") == ["fact:T2:0:1"]


def test_review_app_correction_offers_identifier_candidates_from_the_lexicons(client, out):
    rash = span("rash")
    url = f"/item?doc={_document_id(out)}&key=mention:ADVERSE_EVENT:{rash[0]}-{rash[1]}"
    page = client.get(url).get_data(as_text=True)
    first = re.search(r'class="use-candidate" data-norm="([^"]+)" data-name="([^"]+)"', page)
    assert first[1].startswith("MEDDRA:10037844") and first[2] == "Rash"  # what the pipeline links first
    assert 'href="https://meshb.nlm.nih.gov/record/ui?ui=D005076"' in page
    searched = client.get(url + "&find=itching").get_data(as_text=True)
    assert re.search(r'data-norm="MEDDRA:10037087[^"]*" data-name="Pruritus"', searched)
    assert "<details id=\"correction\" open>" in searched


def test_review_app_named_curators_log_in_and_sign_their_decisions(out):
    import subprocess
    import sys

    added = subprocess.run([sys.executable, "-m", "pipeline.cli", "review", "--store", str(out), "--add-curator",
                            "Dana Reyes"], input="correct horse battery\n", capture_output=True, text=True)
    assert added.returncode == 0, added.stderr
    short = subprocess.run([sys.executable, "-m", "pipeline.cli", "review", "--store", str(out), "--add-curator",
                            "eve"], input="short\n", capture_output=True, text=True)
    assert short.returncode == 2 and "at least 8 characters" in short.stderr
    client = create_app(out, curator="ana").test_client()
    assert client.get("/").status_code == 302 and "/login" in client.get("/").headers["Location"]
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    wrong = client.post("/login", data={"csrf_token": token, "name": "Dana Reyes", "password": "guess"})
    assert wrong.status_code == 401 and "wrong password" in wrong.get_data(as_text=True)
    assert client.post("/login", data={"csrf_token": token, "name": "Dana Reyes",
                                       "password": "correct horse battery", "next": "/"}).status_code == 302
    assert "Signed in as <b id=\"signed-in\">Dana Reyes</b>" in client.get("/").get_data(as_text=True)
    rash = f"mention:ADVERSE_EVENT:{span('rash')[0]}-{span('rash')[1]}"
    assert _decide(client, out, rash, "accepted").status_code == 302
    with Store(out / "trialgraph.db") as store:
        assert Curation(store).decision(_note(out).source_path, rash).curator == "Dana Reyes"
    assert client.post("/curator", data={"csrf_token": _token(client), "name": "ana"}).status_code == 403
