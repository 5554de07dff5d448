"""The review app end to end in a real headless browser (Debian's chromium driven by Playwright)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from review_fixtures import built, out, running_app, span, wait_for_exports  # noqa: F401  (built: out's fixture)

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is in the `test` extra: pip install -e '.[test]'")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="Debian's chromium is missing: apt-get install -y chromium (.ci/run does)")


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def served(out):
    with running_app(out) as base:
        yield base, out


def _flashed(page) -> None:
    """Wait for the page a decision led to: its flash message, then its load, so that the deferred shortcut script
    is listening before the next key is pressed (a key pressed while the page still parses is lost)."""
    page.wait_for_selector(".flash")
    page.wait_for_load_state("load")


def _query_events(out: Path, drug: str) -> dict[str, dict]:
    """`trialgraph query events DRUG --json` as a user runs it, in its own process."""
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "query", "events", drug, "--json",
                             "--store", str(out)], capture_output=True, text=True, check=True)
    return {e["name"].lower(): e for e in json.loads(result.stdout)["events"]}


def _open_item(page, base: str, text: str, query: str) -> None:
    """From the queue filtered by `query`, open the item whose link reads `text`."""
    page.goto(f"{base}/?{query}")
    page.get_by_role("link", name=text, exact=True).first.click()
    page.wait_for_selector("#decision")
    page.wait_for_load_state("domcontentloaded")  # review.js is deferred: its key handlers exist only after this


def test_review_browser_accept_reject_correct_persist_and_reach_query(browser, served):
    base, out = served
    page = browser.new_page()
    page.goto(base + "/")
    assert page.locator("tr.queue-row").count() > 15
    assert page.locator("tr.queue-row.selected .item-link").inner_text() == "sorafenib → hypertension"

    # reject with the keyboard
    _open_item(page, base, "sorafenib → rash", "kind=relation")
    page.fill("#comment", "rash is listed, not attributed to sorafenib")
    page.keyboard.press("Escape")  # leave the comment field; keys act on the item again
    page.keyboard.press("r")
    _flashed(page)
    assert "Rejected HAS_ADVERSE_EVENT" in page.locator(".flash").inner_text()

    # accept with the button
    _open_item(page, base, "sorafenib → diarrhea", "kind=relation")
    page.click("#accept")
    _flashed(page)

    # correct: select the words in the sentence, give an identifier
    _open_item(page, base, "hypertension", "kind=mention")
    page.keyboard.press("c")
    assert page.locator("#c_label").evaluate("e => e === document.activeElement")
    page.evaluate("""() => {
        const source = document.getElementById('span-source');
        const node = source.firstChild, text = node.textContent;
        const range = document.createRange();
        range.setStart(node, text.indexOf('Grade 3 hypertension'));
        range.setEnd(node, text.indexOf('Grade 3 hypertension') + 'Grade 3 hypertension'.length);
        getSelection().removeAllRanges(); getSelection().addRange(range);
        source.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""")
    grade_start, hypertension_end = span("Grade 3 hypertension")
    assert page.input_value("#c_start") == str(grade_start) and page.input_value("#c_end") == str(hypertension_end)
    assert page.inner_text("#span-preview") == "Grade 3 hypertension"
    page.fill("#c_norm", "MEDDRA:10020772")
    page.fill("#c_concept", "Hypertension")
    page.click("#save-correction")
    _flashed(page)

    # reload: the decisions are in the store, shown in the queue and on the items
    page.goto(base + "/?status=rejected")
    page.reload()
    assert page.locator(".item-link").all_inner_texts() == ["sorafenib → rash"]
    page.goto(base + "/?status=accepted")
    assert page.locator(".item-link").all_inner_texts() == ["sorafenib → diarrhea"]
    _open_item(page, base, "Grade 3 hypertension", "kind=mention&status=corrected")  # shown as corrected
    page.reload()
    current = page.inner_text("#current-decision")
    assert "corrected by tester" in current and "start = " + str(grade_start) in current

    wait_for_exports(base)
    events = _query_events(out, "sorafenib")
    assert "rash" not in events and "diarrhoea" in events
    assert events["hypertension"]["norm"][0] == "MEDDRA:10020772"

    # every change is in the audit trail, and undoing the rejection brings rash back
    page.goto(base + "/audit")
    assert page.locator("#audit tbody tr").count() == 3
    page.locator("#audit tbody tr", has_text="rejected").get_by_role("button", name="Undo").click()
    _flashed(page)
    wait_for_exports(base)
    assert "rash" in _query_events(out, "sorafenib")
    page.close()


def test_review_browser_second_curator_gets_a_conflict_and_sees_the_first_decision(browser, served):
    base, _ = served
    alice, bob = browser.new_context(), browser.new_context()
    pages = []
    for context, name in ((alice, "alice"), (bob, "bob")):
        page = context.new_page()
        page.goto(base + "/")
        page.fill("#curator-name", name)
        page.click(".who button")
        _open_item(page, base, "diarrhea", "kind=mention")
        pages.append(page)
    first, second = pages
    first.fill("#comment", "a known harm of sorafenib")
    first.click("#accept")
    _flashed(first)
    second.click("#reject")
    conflict = second.locator("#conflict")
    conflict.wait_for()
    assert "alice marked it accepted" in conflict.inner_text() and "a known harm of sorafenib" in conflict.inner_text()
    assert "accepted by alice" in second.inner_text("#current-decision")
    alice.close()
    bob.close()


def test_review_browser_shows_a_script_in_the_document_as_text(browser, served):
    base, _ = served
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(base + "/?drug=sorafenib&kind=mention")
    page.locator("tr.queue-row", has_text="A nurse typed").locator(".item-link").click()
    assert '<script>document.title="pwned"</script>' in page.inner_text("#evidence")
    page.click("#open-document")
    assert '<script>document.title="pwned"</script>' in page.inner_text("#document-text")
    assert page.title() != "pwned" and not dialogs
    page.close()


def _decision(out: Path, source_end: str, key: str):
    """The stored decision on `key` in the document whose source path ends with `source_end`."""
    from pipeline.store import Store
    from pipeline.store.curation import Curation

    with Store(out / "trialgraph.db") as store:
        decisions = Curation(store).decisions()
    return next((d for (path, item), d in decisions.items() if path.endswith(source_end) and item == key), None)


def _run_query(out: Path, *words: str) -> dict:
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "query", *words, "--json", "--store", str(out)],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_review_browser_enter_in_a_correction_field_saves_it_never_accepts(browser, out):
    from review_fixtures import TABLE_SOURCE, add_table_document

    add_table_document(out)
    with running_app(out) as base:
        page = browser.new_page()
        _open_item(page, base, "Rash: 31 (94)", "kind=fact")
        page.keyboard.press("c")
        page.fill("#c_percent", "150")
        page.focus("#c_percent")
        page.keyboard.press("Enter")
        error = page.locator("#error-percent")
        error.wait_for()
        assert "percent must be between 0 and 100" in error.inner_text()
        assert page.input_value("#c_percent") == "150"  # the form as the curator left it
        assert _decision(out, TABLE_SOURCE, "fact:T2:0:1") is None  # neither accepted nor corrected

        page.fill("#c_percent", "91")
        page.fill("#c_n", "30")
        page.keyboard.press("Enter")
        _flashed(page)
        assert "Corrected" in page.inner_text(".flash")
        decision = _decision(out, TABLE_SOURCE, "fact:T2:0:1")
        assert decision.status == "corrected" and decision.correction == {"n": 30, "percent": 91.0}

        # and in a mention's identifier field
        _open_item(page, base, "fatigue", "kind=mention")
        page.keyboard.press("c")
        page.fill("#c_norm", "MEDDRA:10016256")
        page.keyboard.press("Enter")
        _flashed(page)
        assert "Corrected ADVERSE_EVENT" in page.inner_text(".flash")
        fatigue = span("fatigue")
        decision = _decision(out, "rash_note.txt", f"mention:ADVERSE_EVENT:{fatigue[0]}-{fatigue[1]}")
        assert decision.status == "corrected" and decision.correction["norm"] == ["MEDDRA:10016256"]
        page.close()


def test_review_browser_two_corrections_in_a_row_keep_both(browser, served):
    base, out = served
    page = browser.new_page()
    condition = span("metastatic renal cell carcinoma")
    key = f"mention:CONDITION:{condition[0]}-{condition[1]}"
    narrow = span("renal cell carcinoma")
    _open_item(page, base, "metastatic renal cell carcinoma", "kind=mention&label=CONDITION")
    page.keyboard.press("c")
    page.fill("#c_start", str(narrow[0]))
    page.keyboard.press("Enter")
    _flashed(page)
    first = _decision(out, "rash_note.txt", key)
    # the narrower span is linked again, by the pipeline's normaliser
    assert first.correction["start"] == narrow[0] and first.correction["norm"][0] == "MESH:D002292"

    _open_item(page, base, "renal cell carcinoma", "kind=mention&status=corrected")
    assert page.inner_text("#item-text") == "renal cell carcinoma" and page.locator("#curated-mark").count() == 1
    assert page.input_value("#c_start") == str(narrow[0])  # the form starts from the curated values
    assert page.input_value("#c_norm").startswith("MESH:D002292")
    page.keyboard.press("c")
    page.fill("#c_concept", "Renal cell carcinoma")
    page.keyboard.press("Enter")
    _flashed(page)
    second = _decision(out, "rash_note.txt", key)
    assert second.version == 2
    assert second.correction["start"] == narrow[0] and second.correction["norm"][0] == "MESH:D002292"
    assert second.correction["concept"] == "Renal cell carcinoma"
    wait_for_exports(base)
    conditions = {c["name"]: c["norm"] for c in _run_query(out, "trial", "NCT00389285")["conditions"]}
    assert "MESH:D002292" in conditions.get("Renal cell carcinoma", [])
    page.close()


def test_review_browser_fact_event_correction_moves_it_in_query(browser, out):
    from review_fixtures import add_table_document

    add_table_document(out)
    with running_app(out) as base:
        page = browser.new_page()
        _open_item(page, base, "Rash: 31 (94)", "kind=fact")
        page.keyboard.press("c")
        page.fill("#c_event", "Pruritus")
        page.keyboard.press("Enter")
        _flashed(page)
        wait_for_exports(base)
        events = _query_events(out, "sorafenib")
        pruritus = events["pruritus"]
        assert pruritus["norm"][0] == "MEDDRA:10037087"
        assert [(i["n"], i["total"]) for i in pruritus["incidence"]] == [(31, 33)]
        assert all(i["n"] != 31 for i in events["rash"]["incidence"])  # rash stays, from the note's text only

        # the fact's identifiers can be corrected too
        _open_item(page, base, "Pruritus: 31 (94)", "kind=fact&status=corrected")
        page.keyboard.press("c")
        page.fill("#c_norm", "MEDDRA:10003557")
        page.fill("#c_concept", "Pruritus generalised")
        page.keyboard.press("Enter")
        _flashed(page)
        wait_for_exports(base)
        drugs = _run_query(out, "drugs", "MEDDRA:10003557")
        assert drugs["drugs"][0]["name"].lower() == "sorafenib"
        page.close()


def test_review_browser_restart_keeps_the_session_and_the_curators_name(browser, out):
    context = browser.new_context()
    page = context.new_page()
    with running_app(out) as base:
        port = int(base.rsplit(":", 1)[1])
        page.goto(base + "/")
        page.fill("#curator-name", "alice")
        page.click(".who button")
        _open_item(page, base, "diarrhea", "kind=mention")
    with running_app(out, port=port):  # the server restarts; the open page is used as it is
        page.click("#accept")
        _flashed(page)
        assert "Accepted" in page.inner_text(".flash")
        assert page.input_value("#curator-name") == "alice"
    diarrhea = span("diarrhea")
    decision = _decision(out, "rash_note.txt", f"mention:ADVERSE_EVENT:{diarrhea[0]}-{diarrhea[1]}")
    assert decision.status == "accepted" and decision.curator == "alice"
    assert oct((out / "review_secret.key").stat().st_mode & 0o777) == "0o600"
    context.close()


def _queue_order(page, base: str, query: str) -> list[str]:
    page.goto(f"{base}/?{query}")
    return [link.get_attribute("href") for link in page.locator(".item-link").all()]


def test_review_browser_next_item_in_the_filtered_order_opens_after_a_decision(browser, served):
    base, out = served
    page = browser.new_page()
    order = _queue_order(page, base, "kind=mention")
    assert len(order) > 4
    page.goto(base + order[1])
    total = len(order)
    assert page.inner_text("#place").startswith(f"item 2 of {total}")
    page.keyboard.press("a")
    _flashed(page)
    assert page.url.endswith(order[2])  # the next one in this order, not the top of the queue (order[0])
    with page.expect_navigation():
        page.keyboard.press("s")  # skip: next item, no decision
    assert page.url.endswith(order[3])
    assert "No decision yet" in page.inner_text(".history")
    with_decision = _queue_order(page, base, "kind=mention&status=accepted")
    assert len(with_decision) == 1 and with_decision[0].split("&")[1] == order[1].split("&")[1]
    page.close()


def test_review_browser_backspace_undoes_the_last_decision(browser, served):
    base, out = served
    page = browser.new_page()
    order = _queue_order(page, base, "kind=mention")
    page.goto(base + order[0])
    key = page.locator("#decision input[name=key]").input_value()
    page.keyboard.press("r")
    _flashed(page)
    assert page.url.endswith(order[1])
    assert _decision(out, "rash_note.txt", key).status == "rejected"
    page.keyboard.press("Backspace")
    # the previous page's flash stays until the undo's page loads: wait for the new one
    page.wait_for_selector(".flash:has-text('Undid your last decision')")
    assert "Undid your last decision" in page.inner_text(".flash")
    assert page.locator("#decision input[name=key]").input_value() == key  # back on the item, to decide again
    assert _decision(out, "rash_note.txt", key).status == "pending"
    assert "pending" in page.inner_text("h1")
    page.keyboard.press("Backspace")  # nothing left to undo in this session: nothing happens
    assert _decision(out, "rash_note.txt", key).status == "pending"
    page.close()


MISSED_TEXT = "Sorafenib caused pruritus in three patients."


def _add_missed_document(out: Path) -> None:
    """A stored note where the extractor found the drug but missed the adverse event and the relation."""
    from pipeline.document import Document
    from pipeline.records import Mention
    from pipeline.store import Store

    document = Document(id="doc-missed000000001", source_path="notes/missed.txt", format="text", title="Missed",
                        text=MISSED_TEXT)
    drug = Mention(label="DRUG", start=0, end=9, text="Sorafenib", norm=("MESH:D000077157",), concept="sorafenib",
                   negated=False, sentence=(0, len(MISSED_TEXT)), source="lexicon")
    with Store(out / "trialgraph.db") as store:
        store.save(document, {"entities": [drug], "relations": []}, "test")


def _select_words(page, source_id: str, words: str) -> None:
    """Select `words` in the plain sentence `source_id` as a curator does with the mouse."""
    page.evaluate("""([id, words]) => {
        const source = document.getElementById(id);
        const node = source.firstChild, at = node.textContent.indexOf(words);
        const range = document.createRange();
        range.setStart(node, at); range.setEnd(node, at + words.length);
        getSelection().removeAllRanges(); getSelection().addRange(range);
        source.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""", [source_id, words])


def test_review_browser_added_mention_and_relation_reach_query(browser, out):
    _add_missed_document(out)
    with running_app(out) as base:
        page = browser.new_page()
        _open_item(page, base, "Sorafenib", "document=missed")
        assert "pruritus" not in _query_events_or_empty(out, "sorafenib")
        _select_words(page, "add-source", "pruritus")
        assert page.inner_text("#add-preview") == "pruritus"
        page.select_option("#a_label", "ADVERSE_EVENT")
        page.click("#add-mention-button")
        _flashed(page)
        assert "Added ADVERSE_EVENT “pruritus”" in page.inner_text(".flash")
        assert page.inner_text("#item-norm").startswith("MEDDRA:10037087")  # identifiers from the lexicons

        page.select_option("#a_relation_label", "HAS_ADVERSE_EVENT")
        page.select_option("#a_head", "0-9")
        page.select_option("#a_tail", f"{MISSED_TEXT.index('pruritus')}-{MISSED_TEXT.index('pruritus') + 8}")
        page.click("#add-relation-button")
        _flashed(page)
        assert "Added HAS_ADVERSE_EVENT “Sorafenib → pruritus”" in page.inner_text(".flash")
        wait_for_exports(base)
        pruritus = _query_events(out, "sorafenib")["pruritus"]
        assert pruritus["norm"][0] == "MEDDRA:10037087" and pruritus["curation"] == "accepted"
        assert "doc-missed000000001" in pruritus["documents"]

        page.goto(f"{base}/?document=missed&status=accepted")
        assert sorted(page.locator(".item-link").all_inner_texts()) == ["Sorafenib → pruritus", "pruritus"]
        page.keyboard.press("Backspace")  # undo the relation: it leaves the queue and the graph
        _flashed(page)
        page.goto(f"{base}/?document=missed&status=accepted")
        assert page.locator(".item-link").all_inner_texts() == ["pruritus"]
        page.close()


def _query_events_or_empty(out: Path, drug: str) -> dict:
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "query", "events", drug, "--json",
                             "--store", str(out)], capture_output=True, text=True)
    return {e["name"].lower(): e for e in json.loads(result.stdout)["events"]} if result.returncode == 0 else {}
