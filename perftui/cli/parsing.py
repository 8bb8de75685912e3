"""Usage errors as one line: `perftui: error: run: argument --repeat: ... (see `perftui run --help`)`.

argparse prints the whole usage block before the error; perftui's contract is one line naming
the problem (exit code 2), with the pointer to --help for the rest.
"""

from __future__ import annotations

import argparse

from perftui.cli.main import GLOBAL_FLAGS, GLOBAL_WITH_VALUE


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


# perftui's own options before the command; those that take a value (the next word)
_OPTIONS = ("--help", "--version", *GLOBAL_WITH_VALUE, *GLOBAL_FLAGS)
_WITH_VALUE = GLOBAL_WITH_VALUE


def command_name(argv: list[str], commands) -> str | None:
    """The command `argv` names (one of `commands`), as argparse will find it: the first word
    that is neither an option of perftui's own (a unique prefix of one counts, as argparse
    allows) nor the value of one; None when there is none, or it names no command."""
    words = iter(argv)
    for word in words:
        if word == "--":   # argparse takes "--" itself for the command (an invalid choice)
            return None
        if word.startswith("-") and len(word) > 1:
            if word.startswith("--") and "=" not in word:
                if word in _WITH_VALUE:
                    next(words, None)
                else:
                    matches = [o for o in _OPTIONS if o.startswith(word)]
                    if len(matches) == 1 and matches[0] in _WITH_VALUE:
                        next(words, None)
            continue
        return word if word in commands else None
    return None
