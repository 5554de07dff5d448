"""Shared by the batch benchmarks: BC5CDR abstracts written as PubMed XML sets, and a process-tree memory probe."""
from __future__ import annotations

import threading
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
ARTICLES_PER_FILE = 100


def bc5cdr_abstracts(shared: Path) -> list[tuple[str, str, str]]:
    """`(pmid, title, abstract)` of the 1,000 BC5CDR train + dev abstracts."""
    found = []
    for name in ("CDR_TrainingSet.PubTator.txt", "CDR_DevelopmentSet.PubTator.txt"):
        for block in (shared / "corpora" / "bc5cdr" / name).read_text(encoding="utf-8").strip().split("\n\n"):
            lines = block.strip().split("\n")
            found.append((lines[0].split("|", 1)[0], lines[0].split("|", 2)[2], lines[1].split("|", 2)[2]))
    return found


def write_pubmed_sets(abstracts: list[tuple[str, str, str]], folder: Path, copies: int = 1) -> int:
    """Write `copies` of the abstracts (each copy with distinct PMIDs and content) as PubMed XML sets."""
    folder.mkdir(parents=True, exist_ok=True)
    articles = [
        (f"{copy}{pmid}", title if copy == 0 else f"{title} [copy {copy}]", abstract)
        for copy in range(copies) for pmid, title, abstract in abstracts
    ]
    for start in range(0, len(articles), ARTICLES_PER_FILE):
        parts = ["<?xml version=\"1.0\" ?>\n<PubmedArticleSet>"]
        for pmid, title, abstract in articles[start : start + ARTICLES_PER_FILE]:
            parts.append(
                f"<PubmedArticle><MedlineCitation><PMID Version=\"1\">{pmid}</PMID><Article>"
                f"<ArticleTitle>{escape(title)}</ArticleTitle><Abstract><AbstractText>{escape(abstract)}"
                "</AbstractText></Abstract></Article></MedlineCitation></PubmedArticle>"
            )
        parts.append("</PubmedArticleSet>\n")
        (folder / f"set_{start // ARTICLES_PER_FILE:05d}.xml").write_text("\n".join(parts), encoding="utf-8")
    return len(articles)


class PeakMemory:
    """Samples the resident memory of this process and all its children; `peak_mb` is the largest sum seen."""

    def __init__(self, interval: float = 0.1) -> None:
        import psutil

        self.process = psutil.Process()
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            for process in [self.process, *self.process.children(recursive=True)]:
                try:
                    total += process.memory_info().rss
                except psutil.Error:
                    pass
            self.peak_mb = max(self.peak_mb, total / 2**20)
            time.sleep(self.interval)
