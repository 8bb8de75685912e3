"""Usage errors as one line: `perftui: error: run: argument --repeat: ... (see `perftui run --help`)`.

argparse prints the whole usage block before the error; perftui's contract is one line naming
the problem (exit code 2), with the pointer to --help for the rest.
"""

from __future__ import annotations

import argparse


def one_line_errors(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Make `parser` and every subcommand parser under it report errors on one line."""

    def error(message: str):
        command = parser.prog.removeprefix("perftui").strip()
        where = f"{command}: " if command else ""
        parser.exit(2, f"perftui: error: {where}{message} (see `{parser.prog} --help`)\n")

    parser.error = error  # type: ignore[method-assign]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for inner in action.choices.values():
                one_line_errors(inner)
    return parser
