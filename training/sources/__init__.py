"""Readers for the public data sets in ``../shared/data``: unified records with provenance.

``SOURCES`` maps a source name to its reader module; each module has
``iter_records(data_dir) -> Iterator[SourceRecord]`` where ``data_dir`` is the
shared data folder (see :func:`training.sources.paths.shared_data_dir`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType

from . import diasafety, empathetic_intents, epitome, esconv, ucc
from .paths import shared_data_dir
from .record import SourceRecord

SOURCES: dict[str, ModuleType] = {
    "esconv": esconv,
    "epitome": epitome,
    "diasafety": diasafety,
    "empathetic_intents": empathetic_intents,
    "ucc": ucc,
}

_INDEXES: dict[tuple[str, str], dict[str, SourceRecord]] = {}

__all__ = ["SOURCES", "SourceRecord", "iter_all", "resolve", "resolve_many", "shared_data_dir", "clear_cache"]


def _module(source: str) -> ModuleType:
    try:
        return SOURCES[source]
    except KeyError:
        raise ValueError(f"unknown source {source!r}; expected one of {', '.join(SOURCES)}") from None


def iter_all(data_dir: Path, sources: Iterable[str] | None = None) -> Iterator[SourceRecord]:
    """Records of every source (or the named ones), source by source."""
    for name in sources if sources is not None else SOURCES:
        yield from _module(name).iter_records(Path(data_dir))


def _index(source: str, data_dir: Path) -> dict[str, SourceRecord]:
    key = (source, str(Path(data_dir).resolve()))
    if key not in _INDEXES:
        module = _module(source)
        iterate = getattr(module, "iter_resolvable", module.iter_records)
        _INDEXES[key] = {rec.ref: rec for rec in iterate(Path(data_dir))}
    return _INDEXES[key]


def resolve(source: str, ref: str, data_dir: Path) -> SourceRecord:
    """The record that ``ref`` points to in ``source``; KeyError when there is none.

    The first call per source reads it whole and keeps an index (see ``clear_cache``).
    """
    index = _index(source, data_dir)
    try:
        return index[ref]
    except KeyError:
        raise KeyError(f"{source}: no reply with ref {ref!r} in {Path(data_dir) / source}") from None


def resolve_many(pairs: Iterable[tuple[str, str]], data_dir: Path) -> list[SourceRecord]:
    """``resolve`` for many (source, ref) pairs."""
    return [resolve(source, ref, data_dir) for source, ref in pairs]


def clear_cache() -> None:
    """Forget the per-source indexes built by ``resolve``."""
    _INDEXES.clear()
