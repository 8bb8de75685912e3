"""Errors the faces show as one line with exit code 2 (bad usage or bad input)."""


class InputError(ValueError):
    """Bad input from a person or a file; the message names what was wrong. Nothing was written."""
