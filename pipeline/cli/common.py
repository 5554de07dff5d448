"""What every subcommand shares: exit codes, the default output folder, the options of the local servers."""
from __future__ import annotations

import argparse

EXIT_OK, EXIT_SOME_FAILED, EXIT_ERROR = 0, 1, 2
DEFAULT_OUTPUT = "outputs"


def add_server_arguments(parser: argparse.ArgumentParser, what: str, port: int) -> None:
    """--store, --host, --allowed-host and --port of a local web server (`review`, `serve`); `what` names it."""
    parser.add_argument("--store", default=DEFAULT_OUTPUT, help="output folder of a run (default: %(default)s)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s, this machine only)")
    parser.add_argument("--allowed-host", action="append", default=[], metavar="NAME",
                        help=f"a host name {what} answers to besides the address it listens on and the loopback "
                        "names (may be repeated; requests naming any other Host are refused, against DNS rebinding)")
    parser.add_argument("--port", type=int, default=port, help="port (default: %(default)s; 0 picks a free one)")
