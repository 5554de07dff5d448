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
    page.wait_for_selector(".flash")
    assert "Rejected HAS_ADVERSE_EVENT" in page.locator(".flash").inner_text()

    # accept with the button
    _open_item(page, base, "sorafenib → diarrhea", "kind=relation")
    page.click("#accept")
    page.wait_for_selector(".flash")

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
    page.wait_for_selector(".flash")

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
    page.wait_for_selector(".flash")
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
    first.wait_for_selector(".flash")
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
