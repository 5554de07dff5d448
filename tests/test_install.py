"""A non-editable install (`pip install .`) carries models/ and runs without the checkout."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from pipeline.nlp.components import version_of

REPO = Path(__file__).resolve().parent.parent
NOT_SHIPPED = shutil.ignore_patterns(".git", ".venv", "outputs", "bench", "build", "*.egg-info", "__pycache__",
                                     ".pytest_cache", "corpus")


def test_install_wheel_runs_a_document_without_the_checkout(tmp_path):
    source, target, work = tmp_path / "source", tmp_path / "installed", tmp_path / "work"
    shutil.copytree(REPO, source, symlinks=True, ignore=NOT_SHIPPED)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(source)],
                   check=True, capture_output=True, text=True)
    shutil.rmtree(source)  # nothing may still point into the copied checkout
    assert (target / "pipeline" / "models" / "lexicons" / "lexicon.msgpack.gz").is_file()
    assert not (target / "pipeline" / "models" / "lexicons" / "sources").exists()  # build inputs stay out
    work.mkdir()
    (work / "trial.txt").write_text(
        "Patients received sorafenib 400 mg orally twice daily. Grade 3 rash occurred in 4 patients.\n")
    environment = {**os.environ, "PYTHONPATH": str(target)}
    where = subprocess.run([sys.executable, "-c", "import pipeline.resources as r; print(r.MODELS_DIR)"],
                           cwd=work, env=environment, check=True, capture_output=True, text=True).stdout.strip()
    assert Path(where).is_relative_to(target)
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", "trial.txt", "-o", "out", "--workers", "1"],
                            cwd=work, env=environment, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads((work / "out" / "run_report.json").read_text())
    assert report["processed"] == 1 and not report["failed"]
    assert report["pipeline_version"] == version_of()  # the same data as the checkout's models/, so the same results
