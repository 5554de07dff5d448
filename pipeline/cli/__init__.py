"""The `trialgraph` command: one module per subcommand, each with `register(commands)` and `execute(args)`.

Exit codes: 0 success; 1 some inputs failed (the rest was processed and written);
2 usage error or nothing could be done (missing store, unknown name, unreadable input file).
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from pipeline.cli.common import EXIT_ERROR
from pipeline.errors import TrialGraphError


# Subcommand modules under pipeline/cli/, in the order `trialgraph --help` lists them.
SUBCOMMANDS = ("run", "annotate", "query", "serve", "evaluate", "plot", "review", "tables", "lexicons", "train")


def _modules(names: Sequence[str] = SUBCOMMANDS):
    return [importlib.import_module(f"pipeline.cli.{name}_command") for name in names]


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with `command`, only that subcommand's module is imported (some import spaCy)."""
    parser = argparse.ArgumentParser(
        prog="trialgraph",
        description="Mine clinical-trial documents for drugs, doses, adverse events, conditions and endpoints, "
        "and query the resulting knowledge graph.",
        epilog="Exit codes: 0 success, 1 some inputs failed, 2 usage error or nothing could be done.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in _modules([command] if command in SUBCOMMANDS else SUBCOMMANDS):
        module.register(commands).set_defaults(execute=module.execute)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from pipeline.process import configure_process

    configure_process()
    for stream in (sys.stdout, sys.stderr):  # a name the terminal cannot show is escaped, never a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser(next((a for a in argv if not a.startswith("-")), None)).parse_args(argv)
    try:
        return args.execute(args)
    except TrialGraphError as exc:  # a problem the user can fix, said in one line; anything else is a bug
        print(f"trialgraph {args.command}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("trialgraph: interrupted; finished documents are kept in the store", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader of the output stopped early ("trialgraph query ... | head"): not a failure; the rest of the
        # output goes nowhere, so that the flush at exit does not fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
