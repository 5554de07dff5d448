"""Process-wide settings for TrialGraph's own processes: the `trialgraph` command and batch workers.

Library code never changes warnings filters, log levels, the allocator or the garbage collector; the entry
points call these once (`pipeline.cli.main`, `pipeline.batch.work.worker_nlp`). A program that embeds the
components decides for itself whether it wants the same.
"""
from __future__ import annotations

import ctypes
import gc
import logging
import sys
import warnings

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt parameters (glibc's malloc.h)
_configured = False


def configure_process() -> None:
    """Quiet the known harmless warnings and let malloc reuse freed memory; once per process."""
    global _configured
    if _configured:
        return
    _configured = True
    # scispaCy's abbreviation detector calls a Matcher that has no patterns when a text defines no
    # abbreviation; spaCy warns about that (W036) on every such text
    warnings.filterwarnings("ignore", message=r"\[W036\]")
    # pypdf logs recoverable oddities of real PDFs at WARNING level; the PDF reader reports real damage
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reuse_freed_memory()


def reuse_freed_memory() -> None:
    """Lets glibc's malloc keep the memory of freed large arrays for the next ones. By default a block of
    a few MB (a batch's activations in one layer of the NER model) is mapped from the system and unmapped
    when freed, so every layer of every batch faults its pages in again: 460,000 page faults and a third of
    the tok2vec's time on 1,000 abstracts (bench/README.md). Without glibc (macOS, musl) it does nothing."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(_M_MMAP_THRESHOLD, 32 * 2**20)  # blocks up to 32 MB come from the heap, reused when freed
    libc.mallopt(_M_TRIM_THRESHOLD, 256 * 2**20)  # and the heap keeps up to 256 MB of free memory


def freeze_long_lived_objects() -> None:
    """Moves everything allocated so far (a loaded pipeline's lexicon entries, rules and weights; a loaded
    graph) out of the garbage collector's reach, so later full collections no longer walk it: 0.2-0.3 s per
    1,000 BC5CDR abstracts before, 0.03 s after (bench/README.md). Call it once the long-lived data is loaded."""
    gc.freeze()
