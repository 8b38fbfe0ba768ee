"""Open export files as text streams: encoding sniffing, byte counting for progress bars.

Chat exports are usually UTF-8 (sometimes with a BOM); Windows tools also write UTF-16
or a legacy 8-bit code page. We sniff the start of the file: a BOM decides; otherwise
UTF-8 is tried on the first 64 KiB, then UTF-16 without BOM (many NUL bytes), then
cp1252 (the usual Windows "ANSI" page), which decodes every byte that matters.
A UTF-8 file that turns out broken further down is refused with the line number.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import ChatFormatError

ProgressFn = Callable[[int], None]
"""Called with the number of bytes just read from the underlying file."""

SNIFF_BYTES = 64 * 1024


class _CountingReader(io.RawIOBase):
    """A raw binary stream that reports every read's size to a progress callback."""

    def __init__(self, raw: BinaryIO, progress: ProgressFn | None) -> None:
        self._raw = raw
        self._progress = progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        n = self._raw.readinto(buffer)  # type: ignore[attr-defined]
        if n and self._progress is not None:
            self._progress(n)
        return n or 0

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_binary(path: Path, progress: ProgressFn | None = None) -> BinaryIO:
    """Open ``path`` for buffered binary reading, counting bytes for ``progress``."""
    try:
        raw = open(path, "rb", buffering=0)  # noqa: SIM115 - returned to the caller
    except OSError as err:
        raise ChatFormatError(path, f"cannot open file ({err.strerror or err})") from None
    return io.BufferedReader(_CountingReader(raw, progress), buffer_size=256 * 1024)  # type: ignore[return-value]


def sniff_encoding(head: bytes) -> str:
    """Guess the text encoding from the first bytes of a file."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF32_LE) or head.startswith(codecs.BOM_UTF32_BE):
        return "utf-32"
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if head:
        nul = head.count(b"\x00")
        if nul > len(head) // 4:
            even_nul = head[0::2].count(b"\x00")
            return "utf-16-be" if even_nul > nul // 2 else "utf-16-le"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as err:
        if err.start >= len(head) - 4:  # a multi-byte character cut by the sniff window
            return "utf-8"
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def read_head(path: Path, size: int = SNIFF_BYTES) -> bytes:
    """The first ``size`` bytes of ``path`` (ChatFormatError if it cannot be read)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(size)
    except OSError as err:
        raise ChatFormatError(path, f"cannot open file ({err.strerror or err})") from None


def head_text(path: Path, size: int = SNIFF_BYTES) -> str:
    """The start of ``path`` decoded with the sniffed encoding (undecodable bytes replaced)."""
    head = read_head(path, size)
    return head.decode(sniff_encoding(head), errors="replace").lstrip("\ufeff")


def open_text(path: Path, progress: ProgressFn | None = None, newline: str | None = None) -> io.TextIOWrapper:
    """Open ``path`` as text in its sniffed encoding (universal newlines unless ``newline=""``)."""
    encoding = sniff_encoding(read_head(path))
    binary = open_binary(path, progress)
    return io.TextIOWrapper(binary, encoding=encoding, errors="strict", newline=newline)


def decode_error(path: Path, encoding: str) -> ChatFormatError:
    """The user-facing error for bytes that are not valid in the sniffed encoding."""
    return ChatFormatError(path, f"the file is not valid {encoding} text; expected a UTF-8 or UTF-16 text export")


def iter_lines(path: Path, progress: ProgressFn | None = None) -> Iterator[str]:
    """Yield the lines of a text file without line endings, streaming.

    Raises ChatFormatError naming the line if its bytes are not valid in the sniffed encoding.
    """
    encoding = sniff_encoding(read_head(path))
    if encoding.startswith(("utf-16", "utf-32")):
        with open_text(path, progress) as fh:
            try:
                for line in fh:
                    yield line.rstrip("\r\n").lstrip("\ufeff")
            except UnicodeDecodeError:
                raise decode_error(path, encoding) from None
        return
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    with open_binary(path, progress) as fh:
        for lineno, raw in enumerate(fh, start=1):
            try:
                line = raw.decode(codec)
            except UnicodeDecodeError:
                raise ChatFormatError(
                    path, f"line {lineno} is not valid {codec} text; expected a UTF-8 or UTF-16 text export"
                ) from None
            if lineno == 1:
                line = line.lstrip("\ufeff")
            yield line.rstrip("\r\n")
