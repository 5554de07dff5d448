"""Screenshots of the review app for the README (docs/review.png, docs/review_item.png).

Builds a store from corpus/ in a temporary folder (or uses --store DIR), serves the review app on a free
port and photographs the queue and its first relation with Debian's chromium through Playwright:

    .venv/bin/python docs/review_screenshot.py [--store DIR]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

from pipeline.batch.run import run
from pipeline.review.app import create_app, serve

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def photograph(store: Path, docs: Path) -> list[Path]:
    server = serve(create_app(store, curator="curator"), "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.port}"
    shots = [docs / "review.png", docs / "review_item.png"]
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1360, "height": 860})
            page.goto(base + "/")
            page.screenshot(path=shots[0])
            page.goto(base + "/?kind=relation&label=HAS_ADVERSE_EVENT")
            page.locator(".item-link").first.click()
            page.wait_for_load_state("load")
            page.keyboard.press("c")
            page.screenshot(path=shots[1], full_page=True)
            browser.close()
    finally:
        server.shutdown()
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="output folder of an earlier run (default: run corpus/ now)")
    args = parser.parse_args()
    os.chdir(ROOT)  # documents are stored with paths as given: corpus/..., as a user would run it
    with tempfile.TemporaryDirectory() as scratch:
        store = args.store or Path(scratch)
        if args.store is None:
            run(["corpus"], store, progress=False)
        for path in photograph(store, ROOT / "docs"):
            print(path)


if __name__ == "__main__":
    main()
