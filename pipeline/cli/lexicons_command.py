"""`trialgraph lexicons build`: rebuild models/lexicons from their open sources."""
from __future__ import annotations

import argparse

from pipeline.cli.common import EXIT_OK


def register(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    lexicons = commands.add_parser("lexicons", help="build the lexicons in models/lexicons from their open sources")
    actions = lexicons.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("build", help="rebuild models/lexicons (deterministic)")
    return lexicons


def execute(args: argparse.Namespace) -> int:
    from pipeline.lexicons.build import main as build_lexicons

    build_lexicons()
    return EXIT_OK
