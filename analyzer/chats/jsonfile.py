"""Shared plumbing for JSON exports: stream items under a path, turn JSON errors into ChatFormatError."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import ChatFormatError
from .jsonstream import JSONStreamError, walk
from .textio import ProgressFn, open_text


def stream_json(
    path: Path, expected: str, *patterns: tuple[str, ...], progress: ProgressFn | None = None
) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """``jsonstream.walk`` over ``path``; broken JSON or text becomes a one-line ChatFormatError."""
    with open_text(path, progress) as fh:
        try:
            yield from walk(fh, *patterns)
        except JSONStreamError as err:
            raise ChatFormatError(path, f"broken JSON ({err}); expected {expected}") from None
        except UnicodeDecodeError:
            raise ChatFormatError(path, f"the file is not valid {fh.encoding} text; expected {expected}") from None
