"""Components whose behaviour lives in data files keep spaCy's serialization contract: `to_disk` copies the
files into the saved pipeline and `from_disk` reads them back from there, so a saved pipeline carries its own
rules, lexicons and models instead of re-reading models/ (spaCy's `SpanRuler` keeps its patterns the same way).
"""
from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from pipeline.resources import model_path


class DataFilesComponent:
    """Base of a component that reads data files.

    `data_files` maps each file's place in a saved component folder ("context.json", "lexicon/lexicon.msgpack.gz")
    to where it is read from (a path under models/, or an absolute path). The files are read by `load_data()`
    when the component first runs (`ensure_loaded`), so `spacy.load` of a saved pipeline reads only its own copies.
    """

    data_files: dict[str, str]
    _loaded = False

    def load_data(self) -> None:
        """Reads `data_files` into the component's tables, patterns and models."""
        raise NotImplementedError

    def ensure_loaded(self) -> None:
        """Reads the data files unless they are read already."""
        if not self._loaded:
            self.load_data()
            self._loaded = True

    def data_path(self, name: str) -> Path:
        """Where the data file `name` is read from."""
        return model_path(self.data_files[name])

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Copies the component's data files into the folder `path`."""
        path = Path(path)
        for name in self.data_files:
            source, target = self.data_path(name), path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, target, dirs_exist_ok=True)
            else:
                shutil.copy2(source, target)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> DataFilesComponent:
        """Reads the component's data files from the folder `path` that `to_disk` wrote."""
        path = Path(path)
        missing = [name for name in self.data_files if not (path / name).exists()]
        if missing:
            raise FileNotFoundError(f"{path} lacks {', '.join(missing)}: save the pipeline again with nlp.to_disk")
        self.data_files = {name: str(path / name) for name in self.data_files}
        self._loaded = False
        self.ensure_loaded()
        return self
