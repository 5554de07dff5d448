"""`trialgraph train --corpora DIR`: train the NER model (models/ner/model), the adverse-event-versus-condition
model (models/ner/roles) and the HAS_ADVERSE_EVENT relation model (models/ner/relations) from the raw gold
corpora, in that order: each later model is fitted on what the earlier ones find. `trialgraph train vectors` trains
the static word vectors the NER reads (models/vectors) from unlabeled in-domain text and the gold training texts,
then the word classes of those vectors that the role and relation models read (`trialgraph train word-classes` alone
rebuilds them from the table in place)."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from pipeline.cli.common import EXIT_ERROR, EXIT_OK

STEPS = ("ner", "roles", "relations")


def register(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    from pipeline.train.corpora import CORPORA
    from pipeline.train.ner import DEFAULT_CONFIG, DEFAULT_OUTPUT, DEFAULT_WORK_DIR

    train = commands.add_parser(
        "train", help="train the NER model from the gold corpora (ADE-Corpus-V2, BC5CDR, TAC 2017)",
        description="Convert the raw gold files to spaCy DocBins (document-level train/valid/dev splits), pretrain "
        "the NER's tok2vec on the unlabeled texts of the training groups, train "
        "the NER pipeline with fixed seeds on one CPU thread, and package the best checkpoint with a record of its "
        "data (training.json); then fit the adverse-event-versus-condition model on ADE-Corpus-V2 and TAC 2017 "
        "mentions and the HAS_ADVERSE_EVENT relation model on ADE-Corpus-V2 candidates. "
        "The dev split is never trained on; score it with bench/train_score.py.")
    train.add_argument("--corpora", type=Path, metavar="DIR",
                       help="folder holding ade_corpus_v2/, bc5cdr/ and tac2017_adr/ (raw gold files); required")
    train.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT,
                       help="folder of the packaged pipeline (default: %(default)s); another folder gets its own role "
                       "and relation models beside it (roles/, relations/), fitted on the NER in it")
    train.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="spaCy config (default: %(default)s)")
    train.add_argument("--work-dir", type=Path, default=DEFAULT_WORK_DIR,
                       help="DocBins and checkpoints (default: %(default)s)")
    train.add_argument("--max-epochs", type=int, metavar="N", help="override training.max_epochs of the config")
    train.add_argument("--pretraining-epochs", type=int, metavar="N",
                       help="override pretraining.max_epochs of the config (0 skips the tok2vec pretraining)")
    train.add_argument("--ner-corpora", default=",".join(CORPORA), metavar="NAMES",
                       help=f"comma-separated gold corpora the NER model trains on, among {', '.join(CORPORA)}; "
                       "NAME:N sees a corpus's training texts N times per epoch (default: all, once; the role and "
                       "relation models keep theirs)")
    train.add_argument("--only", choices=STEPS,
                       help="train one model (the others already in place are used as they are)")
    steps = train.add_subparsers(dest="train_step", metavar="STEP")
    _register_vectors(steps)
    _register_word_classes(steps)
    return train


def _register_word_classes(steps: argparse._SubParsersAction) -> None:
    from pipeline.nlp.word_classes import DEFAULT_CLASSES
    from pipeline.resources import model_path
    from pipeline.train.word_classes import WordClassSettings

    defaults = WordClassSettings()
    classes = steps.add_parser(
        "word-classes", help="cluster the words of the unlabeled texts by their vectors (models/vectors/word_classes.tsv.gz)",
        description="Count the lowercase words of DIR/unlabeled/*.txt.gz, look up the vector of each word seen "
        "--min-count times in models/vectors, and cluster them with k-means (fixed seed) into --classes classes, "
        "which the role and relation models read as features; refit them after (trialgraph train --only roles, "
        "then --only relations).")
    classes.add_argument("--corpora", dest="class_corpora", type=Path, metavar="DIR", required=True,
                         help="folder holding unlabeled/")
    classes.add_argument("--vectors", dest="class_vectors", type=Path, default=model_path("vectors"), metavar="DIR",
                         help="folder of the vectors table (default: %(default)s)")
    classes.add_argument("-o", "--output", dest="class_output", type=Path, default=model_path(DEFAULT_CLASSES),
                         metavar="FILE", help="the table written (default: %(default)s)")
    _add_int_settings(classes, defaults, (("classes", "how many classes"),
                                          ("min_count", "fewest occurrences of a word to class it"),
                                          ("seed", "k-means seed")))
    classes.set_defaults(execute=execute_word_classes)


def _add_int_settings(parser: argparse.ArgumentParser, defaults: object, settings: tuple[tuple[str, str], ...]) -> None:
    """One integer option per (field, help) of a settings dataclass, its default the dataclass's."""
    for name, help_text in settings:
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=getattr(defaults, name),
                            help=f"{help_text} (default: %(default)s)")


def execute_word_classes(args: argparse.Namespace) -> int:
    """`trialgraph train word-classes`."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from pipeline.train.word_classes import WordClassSettings, train_word_classes

    settings = WordClassSettings(classes=args.classes, min_count=args.min_count, seed=args.seed)
    try:
        record = train_word_classes(args.class_corpora, args.class_vectors, args.class_output, settings)
    except (FileNotFoundError, OSError, ValueError) as exc:
        print(f"trialgraph train word-classes: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(json.dumps({k: record[k] for k in ("words_seen", "words", "table", "minutes")}, indent=1))
    return EXIT_OK


def _register_vectors(steps: argparse._SubParsersAction) -> None:
    from pipeline.train.vectors import DEFAULT_OUTPUT, DEFAULT_WORK_DIR, METHODS, VectorSettings

    defaults = VectorSettings()
    vectors = steps.add_parser(
        "vectors", help="train the NER's static word vectors (models/vectors) from in-domain text",
        description="Tokenize the unlabeled texts (DIR/unlabeled/*.txt.gz, or --texts) and the texts of the gold "
        "corpora's training groups (never a dev group, never a label) with the pipeline's tokenizer, train "
        "word2vec (CBOW, one thread, fixed seed; or floret, --method floret) on their NORMs and write a spaCy "
        "vectors table (word2vec: pruned to --rows rows; floret: --bucket rows of hashed subwords), with a record "
        "of its inputs' sha256 (training.json). Needs gensim or floret (pip install -e '.[train]').")
    vectors.add_argument("--corpora", dest="vector_corpora", type=Path, metavar="DIR",
                         help="folder of the gold corpora and of unlabeled/ (without it, only --texts are read)")
    vectors.add_argument("--texts", type=Path, nargs="+", metavar="FILE",
                         help="text files (.txt or .txt.gz, one paragraph a line) instead of DIR/unlabeled/")
    vectors.add_argument("-o", "--output", dest="vector_output", type=Path, default=DEFAULT_OUTPUT, metavar="DIR",
                         help="folder of the vectors table (default: %(default)s)")
    vectors.add_argument("--method", choices=METHODS, default=defaults.method,
                         help="word2vec (a row per frequent word) or floret (hashed subword rows; every word has a "
                         "vector) (default: %(default)s)")
    vectors.add_argument("--work-dir", dest="vector_work_dir", type=Path, default=DEFAULT_WORK_DIR, metavar="DIR",
                         help="token and word2vec files (default: %(default)s)")
    _add_int_settings(vectors, defaults, (
        ("dim", "vector width"), ("epochs", "word2vec epochs"), ("window", "context window"),
        ("min_count", "fewest occurrences of a word to learn it"),
        ("rows", "word2vec: rows of the table (the other words point to their nearest row)"),
        ("bucket", "floret: rows of the table (hash buckets of words and subwords)"),
        ("minn", "floret: shortest character n-gram"), ("maxn", "floret: longest character n-gram"),
        ("hash_count", "floret: rows each word or n-gram is hashed to"),
        ("max_text_tokens", "tokens the unlabeled texts contribute at most, in file order "
         "(0: all; the gold training texts are always read in full)"),
        ("seed", "random seed")))
    vectors.set_defaults(execute=execute_vectors)


def execute_vectors(args: argparse.Namespace) -> int:
    """`trialgraph train vectors`."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from pipeline.train.vectors import VectorSettings, train_vectors

    corpora = args.vector_corpora
    if corpora is None and not args.texts:
        print("trialgraph train vectors: give --corpora DIR, --texts FILE..., or both", file=sys.stderr)
        return EXIT_ERROR
    if corpora is not None and not corpora.is_dir():
        print(f"trialgraph train vectors: no such folder: {corpora}", file=sys.stderr)
        return EXIT_ERROR
    settings = VectorSettings(dim=args.dim, epochs=args.epochs, window=args.window, min_count=args.min_count,
                              rows=args.rows, seed=args.seed, method=args.method, bucket=args.bucket, minn=args.minn,
                              maxn=args.maxn, hash_count=args.hash_count, max_text_tokens=args.max_text_tokens)
    try:
        record = train_vectors(corpora, args.vector_output, args.vector_work_dir, settings, texts=args.texts)
    except (FileNotFoundError, ImportError, RuntimeError, ValueError) as exc:
        print(f"trialgraph train vectors: {exc}", file=sys.stderr)
        return EXIT_ERROR
    shown = {k: record[k] for k in ("lines", "tokens", "vocabulary", "rows", "keys", "table_sha256", "minutes")}
    if corpora is not None:  # the word classes of the new table, from the same unlabeled texts
        from pipeline.nlp.word_classes import DEFAULT_CLASSES
        from pipeline.train.word_classes import train_word_classes

        try:
            classes = train_word_classes(corpora, args.vector_output, args.vector_output / Path(DEFAULT_CLASSES).name)
        except (FileNotFoundError, ValueError) as exc:
            print(f"trialgraph train vectors: the table is written to {args.vector_output}, its word classes are "
                  f"not: {exc}", file=sys.stderr)
            return EXIT_ERROR
        shown["word_classes"] = {k: classes[k] for k in ("words", "table", "minutes")}
    print(json.dumps(shown, indent=1))
    return EXIT_OK


def companion_paths(output: Path) -> tuple[Path | None, Path, Path]:
    """(NER folder the companions are fitted on, role model path, relation model path) for a NER written to
    `output`: the committed ones under models/ner for the default folder, else `output`'s own beside it."""
    from pipeline.train.ner import DEFAULT_OUTPUT
    from pipeline.train.relations import DEFAULT_OUTPUT as RELATIONS_OUTPUT
    from pipeline.train.roles import DEFAULT_OUTPUT as ROLES_OUTPUT

    if Path(output).resolve() == Path(DEFAULT_OUTPUT).resolve():
        return None, ROLES_OUTPUT, RELATIONS_OUTPUT
    folder = Path(output).parent
    return Path(output), folder / ROLES_OUTPUT.parent.name / ROLES_OUTPUT.name, \
        folder / RELATIONS_OUTPUT.parent.name / RELATIONS_OUTPUT.name


def execute(args: argparse.Namespace) -> int:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from pipeline.train.corpora import corpus_choice
    from pipeline.train.ner import train_ner
    from pipeline.train.relations import train_relations
    from pipeline.train.roles import train_roles

    if args.corpora is None:
        print("trialgraph train: --corpora DIR is required (or `trialgraph train vectors`)", file=sys.stderr)
        return EXIT_ERROR
    if not args.corpora.is_dir():
        print(f"trialgraph train: no such folder: {args.corpora}", file=sys.stderr)
        return EXIT_ERROR
    try:
        corpora = corpus_choice(args.ner_corpora)
    except ValueError as exc:
        print(f"trialgraph train: --ner-corpora: {exc}", file=sys.stderr)
        return EXIT_ERROR
    overrides = {key: value for key, value in (("training.max_epochs", args.max_epochs),
                                                 ("pretraining.max_epochs", args.pretraining_epochs)) if value is not None}
    report = {}
    ner_dir, role_path, relation_path = companion_paths(args.output)
    try:
        steps = (args.only,) if args.only else STEPS
        if "ner" in steps:
            report["ner"] = train_ner(args.corpora, args.output, args.work_dir, args.config, overrides,
                                      corpora=corpora)["valid_scores"]
        if "roles" in steps:
            report["roles"] = train_roles(args.corpora, role_path, ner_model_dir=ner_dir)
        if "relations" in steps:
            report["relations"] = train_relations(args.corpora, relation_path, ner_model_dir=ner_dir,
                                                  role_model_path=role_path if ner_dir else None)
    except FileNotFoundError as exc:
        print(f"trialgraph train: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(json.dumps(report, indent=1))
    return EXIT_OK
