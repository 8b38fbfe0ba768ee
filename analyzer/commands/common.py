"""Shared CLI plumbing: one-line user errors with exit code 2, JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1


class UserError(Exception):
    """Bad usage or bad input: printed as one line on stderr, exit code 2."""


def _user_error_types() -> tuple[type[BaseException], ...]:
    from analyzer.analysis import ReplyError
    from analyzer.model import ModelFolderError

    types: list[type[BaseException]] = [UserError, ReplyError, ModelFolderError, FileNotFoundError]
    try:
        from training.labelled_files import LabelledDataError

        types.append(LabelledDataError)
    except ImportError:  # training extras not installed
        pass
    try:
        from analyzer.chats.errors import ChatFormatError

        types.append(ChatFormatError)
    except ImportError:
        pass
    return tuple(types)


def fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    """Print ``error: message`` on stderr and exit."""
    one_line = " ".join(str(message).split())
    print(f"error: {one_line}", file=sys.stderr)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the project's known input errors into a one-line message and exit code 2."""
    try:
        yield
    except _user_error_types() as exc:
        fail(str(exc))


def print_json(obj: object) -> None:
    """Print ``obj`` as indented UTF-8 JSON on stdout."""
    sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")
