"""Input files from folder trees, list files and standard input, in a stable order."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from pipeline.batch.inputs import count_input_files, iter_input_files

ROOT = Path(__file__).resolve().parent.parent
PUBMED_SET = ROOT / "tests" / "fixtures" / "pubmed" / "pubmed_set.xml"
SEED = ROOT / "corpus" / "seeds" / "001_fe72475fe2fab39f.txt"


def make_tree(root: Path) -> None:
    for relative in ("b/2.txt", "b/1.txt", "a.txt", "README.md", ".git/config", "c/.hidden.txt", "c/d/3.txt"):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(relative)


def test_batch_inputs_folder_tree_sorted_without_readmes_and_hidden(tmp_path):
    make_tree(tmp_path)
    found = [p.relative_to(tmp_path).as_posix() for p in iter_input_files([tmp_path])]
    assert found == ["a.txt", "b/1.txt", "b/2.txt", "c/d/3.txt"]
    assert count_input_files([tmp_path]) == 4


def test_batch_inputs_list_file_and_stdin(tmp_path, monkeypatch):
    make_tree(tmp_path)
    listing = tmp_path / "list.txt"
    listing.write_text(f"# this week\n{tmp_path / 'b'}\n\n{tmp_path / 'a.txt'}\n")
    assert list(iter_input_files([], from_lists=[listing])) == [tmp_path / "b/1.txt", tmp_path / "b/2.txt",
                                                                tmp_path / "a.txt"]
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{tmp_path / 'c'}\n"))
    assert list(iter_input_files(["-", tmp_path / "a.txt"])) == [tmp_path / "c/d/3.txt", tmp_path / "a.txt"]
    assert count_input_files(["-"]) is None  # standard input is read once, so it cannot be counted first


def test_batch_inputs_cli_reads_paths_from_stdin(tmp_path):
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "run", "-", "-o", str(out), "--workers", "1", "--no-progress", "--json"],
        input=f"{PUBMED_SET}\n{SEED}\n{tmp_path / 'missing.txt'}\n", capture_output=True, text=True, cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert (report["inputs"], report["processed"], report["failed"]) == (3, 4, 1)
    assert "missing.txt: cannot open file" in report["failures"][0]["error"]
    assert report["workers"] == "1 local worker process"
