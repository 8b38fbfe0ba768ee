"""A small streaming JSON walker: yield the items under one path without loading the file.

``walk(fh, ("chats", "list", "*", "messages", "*"))`` descends only along the pattern
(``"*"`` matches any array index), decodes each value the pattern reaches with the stdlib
decoder, reports scalar values met on the way (so a caller sees a chat's ``name`` before its
messages) and skips everything else with a regex scanner. Memory stays bounded by the size
of one item. Raises ``JSONStreamError`` on malformed or truncated JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, TextIO

Path = tuple[str | int, ...]

_WS = re.compile(r"[ \t\n\r]*")
_SKIP_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*(?P<close>")?|[\[\]{}]')
_SCALAR = re.compile(r"(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)(?=[\s,\]}]|$)")
_DECODER = json.JSONDecoder()
_CHUNK = 1 << 16


ENTER = type("Enter", (), {"__repr__": lambda self: "ENTER"})()
"""Yielded as the value when the walk enters an object or array on the way to a pattern."""


class JSONStreamError(ValueError):
    """Malformed or truncated JSON; the message says where."""


class _Reader:
    def __init__(self, fh: TextIO) -> None:
        self.fh = fh
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.consumed = 0  # characters dropped from the front of buf

    def fill(self, size: int = _CHUNK) -> bool:
        if self.eof:
            return False
        chunk = self.fh.read(size)
        if not chunk:
            self.eof = True
            return False
        self.consumed += self.pos
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        return True

    def where(self) -> str:
        return f"character {self.consumed + self.pos}"

    def peek(self) -> str:
        """The next non-blank character ('' at end of input), without consuming it."""
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.fill():
                return ""

    def expect(self, char: str) -> None:
        got = self.peek()
        if got != char:
            raise JSONStreamError(f"expected {char!r} at {self.where()}, found {got or 'end of file'!r}")
        self.pos += 1

    def decode(self) -> Any:
        """Decode the next complete value with the stdlib decoder, reading more as needed."""
        self.peek()
        size = _CHUNK
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except RecursionError:
                raise JSONStreamError(f"nesting too deep at {self.where()}") from None
            except json.JSONDecodeError as err:
                if not self.fill(size):
                    raise JSONStreamError(f"{err.msg} at {self.where()}") from None
                size = min(size * 2, 1 << 24)
                continue
            if end == len(self.buf) and not isinstance(value, (dict, list, str)) and self.fill():
                continue  # a number may go on in the next chunk
            self.pos = end
            return value

    def skip(self) -> None:
        """Skip the next value without building it."""
        first = self.peek()
        if first in "{[":
            depth = 0
            size = _CHUNK
            while True:
                m = _SKIP_TOKEN.search(self.buf, self.pos)
                if m is None or (m.group()[0] == '"' and m.group("close") is None):
                    self.pos = len(self.buf) if m is None else m.start()
                    if not self.fill(size):
                        raise JSONStreamError(f"unexpected end of file at {self.where()}")
                    size = min(size * 2, 1 << 24)
                    continue
                tok = m.group()
                self.pos = m.end()
                if tok in "{[":
                    depth += 1
                elif tok in "}]":
                    depth -= 1
                    if depth == 0:
                        return
        elif first == '"':
            self.decode()
        else:
            self.peek()
            m = _SCALAR.match(self.buf, self.pos)
            while m is not None and m.end() == len(self.buf) and self.fill():
                m = _SCALAR.match(self.buf, self.pos)
            if m is None:
                raise JSONStreamError(f"invalid value at {self.where()}")
            self.pos = m.end()


Patterns = tuple[tuple[str, ...], ...]


def _step(key: str | int, element: str) -> bool:
    if isinstance(key, int):
        return element == "*"
    return key in element.split("|")


def _matches(path: Path, patterns: Patterns) -> bool:
    return any(len(path) == len(p) and all(map(_step, path, p)) for p in patterns)


def _is_prefix(path: Path, patterns: Patterns) -> bool:
    return any(len(path) < len(p) and all(map(_step, path, p[: len(path)])) for p in patterns)


def walk(fh: TextIO, *patterns: tuple[str, ...]) -> Iterator[tuple[Path, Any]]:
    """Yield ``(path, value)`` for values at any of ``patterns`` and for scalars on the way.

    A pattern element is an object key, ``"a|b"`` for either key, or ``"*"`` for any array index.
    """
    reader = _Reader(fh)
    if reader.peek() == "":
        raise JSONStreamError("the file is empty")
    yield from _walk(reader, (), patterns)
    if reader.peek() != "":
        raise JSONStreamError(f"unexpected data after the JSON value at {reader.where()}")


def _walk(reader: _Reader, path: Path, pattern: Patterns) -> Iterator[tuple[Path, Any]]:
    if _matches(path, pattern):
        yield path, reader.decode()
        return
    first = reader.peek()
    if not _is_prefix(path, pattern):
        if first in "{[":
            reader.skip()
        else:
            yield path, reader.decode()
        return
    if first in "{[":
        yield path, ENTER
    if first == "{":
        reader.pos += 1
        if reader.peek() == "}":
            reader.pos += 1
            return
        while True:
            if reader.peek() != '"':
                raise JSONStreamError(f"expected a key at {reader.where()}")
            key = reader.decode()
            reader.expect(":")
            yield from _walk(reader, (*path, key), pattern)
            nxt = reader.peek()
            reader.pos += 1
            if nxt == "}":
                return
            if nxt != ",":
                raise JSONStreamError(f"expected ',' or '}}' at {reader.where()}")
    elif first == "[":
        reader.pos += 1
        if reader.peek() == "]":
            reader.pos += 1
            return
        index = 0
        while True:
            yield from _walk(reader, (*path, index), pattern)
            index += 1
            nxt = reader.peek()
            reader.pos += 1
            if nxt == "]":
                return
            if nxt != ",":
                raise JSONStreamError(f"expected ',' or ']' at {reader.where()}")
    elif first == "":
        raise JSONStreamError(f"unexpected end of file at {reader.where()}")
    else:
        yield path, reader.decode()
