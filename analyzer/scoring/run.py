"""``score_inputs``: read inputs, pair, classify, write rows/report, return a summary dict.

Two kinds of input, never mixed in one run:
* chat exports (any reader in ``analyzer.chats``) → one row per disclosure→reply pair
  ``{"file", "discloser", "replier", "time", "disclosure", "reply", "label", "scores", "cues"}``
  (``--all``: one row per turn, plus ``"paired"``);
* reply rows (CSV/JSONL with a ``reply`` column, e.g. the labelled-data schema) → the input
  row with ``label`` and ``scores`` added; an input ``label``/``scores`` is kept as
  ``input_label``/``input_scores``.

Everything streams: memory does not grow with the input. Message text is never logged.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from analyzer.chats import ChatFormatError, collapse_inputs, is_row_input, iter_chat, resolve_format
from analyzer.chats.generic import TIME_KEYS, iter_records, pick_column
from analyzer.chats.message import Message
from analyzer.chats.messenger import conversation_parts
from analyzer.chats.timeparse import parse_timestamp
from analyzer.pairing import Detector, Pair, PairingConfig, Turn, group_turns, pair_turns, score_turns
from analyzer.scoring.summary import Summary
from analyzer.scoring.writers import RowWriter, open_output, output_kind

ProgressFn = Callable[[int], None]
SELF_NAMES = frozenset({"me"})  # how SMS and iMessage exports name the phone's owner
ROW_RESERVED = ("label", "scores")


class LazyAnalyzer:
    """Loads the real analyzer only once the first pair has been read.

    Reading errors surface before the (slow) model load, and a run that finds no pairs
    never loads the model at all.
    """

    def __init__(self, load: Callable[[], "PairAnalyzer"]) -> None:
        self._load = load
        self._real: PairAnalyzer | None = None

    def analyze_many(self, pairs: Iterable[tuple[str | None, str]], batch_size: int = 64) -> Iterator[Any]:
        it = iter(pairs)
        first = next(it, None)
        if first is None:
            return
        if self._real is None:
            self._real = self._load()
        yield from self._real.analyze_many(itertools.chain([first], it), batch_size=batch_size)


class ScoreInputError(ValueError):
    """Bad arguments to a scoring run (one-line, user-facing)."""


class PairAnalyzer(Protocol):
    """What scoring needs from ``analyzer.Analyzer``."""

    def analyze_many(self, pairs: Iterable[tuple[str | None, str]], batch_size: int = 64) -> Iterator[Any]: ...


@dataclass
class FileStats:
    """Counts for one input file."""

    file: str
    format: str
    messages: int = 0
    turns: int = 0
    disclosures: int = 0
    rows: int = 0
    senders: set[str] = field(default_factory=set)

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "format": self.format,
            "messages": self.messages,
            "turns": self.turns,
            "disclosures": self.disclosures,
            "rows": self.rows,
        }


def _count_messages(items: Iterable[tuple[str, Message]], stats: FileStats, me: str | None) -> Iterator[tuple[str, Message]]:
    for conversation, msg in items:
        stats.messages += 1
        if me is not None and msg.sender.strip().lower() in SELF_NAMES:
            msg = Message(me, msg.time, msg.text)
        if len(stats.senders) < 200:
            stats.senders.add(msg.sender)
        yield conversation, msg


def _count_turns(turns: Iterable[Turn], stats: FileStats, threshold: float) -> Iterator[Turn]:
    for turn in turns:
        stats.turns += 1
        if turn.score is not None and turn.score >= threshold:
            stats.disclosures += 1
        yield turn


def _cue_dicts(analysis: Any) -> list[dict]:
    return [c.to_dict() if hasattr(c, "to_dict") else dict(c) for c in getattr(analysis, "cues", [])]


def _same_person(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def _input_size(path: Path) -> int:
    try:
        return sum(p.stat().st_size for p in conversation_parts(path))
    except OSError:
        return 0


class _Run:
    """State of one ``score_inputs`` call."""

    def __init__(self, analyzer: PairAnalyzer, writer: RowWriter | None, report: Any, batch_size: int) -> None:
        self.analyzer = analyzer
        self.writer = writer
        self.report = report
        self.batch_size = batch_size
        self.summary = Summary()
        self.rows = 0

    def chat_file(self, path: Path, fmt: str, detector: Detector, config: PairingConfig, me: str | None,
                  progress: ProgressFn | None) -> FileStats:
        stats = FileStats(str(path), fmt)
        items = _count_messages(iter_chat(path, fmt, progress), stats, me)
        turns = score_turns(group_turns(items, config.turn_gap, config.max_turn_chars), detector, config.batch_size)
        pairs: Iterable[Pair] = pair_turns(_count_turns(turns, stats, detector.threshold), detector.threshold, config)
        if me is not None:
            pairs = (p for p in pairs if _same_person(p.reply.sender, me))
        waiting: deque[Pair] = deque()

        def texts() -> Iterator[tuple[str | None, str]]:
            for pair in pairs:
                waiting.append(pair)
                yield (pair.disclosure.text if pair.disclosure else None), pair.reply.text

        for analysis in self.analyzer.analyze_many(texts(), batch_size=self.batch_size):
            pair = waiting.popleft()
            cues = _cue_dicts(analysis)
            row = {
                "file": str(path),
                "discloser": pair.disclosure.sender if pair.disclosure else None,
                "replier": pair.reply.sender,
                "time": pair.reply.start.isoformat() if pair.reply.start else None,
                "disclosure": pair.disclosure.text if pair.disclosure else None,
                "reply": pair.reply.text,
                "label": analysis.label,
                "scores": {k: round(float(v), 6) for k, v in analysis.scores.items()},
                "cues": cues,
            }
            if config.all_turns:
                row["paired"] = pair.paired
            self._emit(row, pair.reply.sender, analysis, cues, pair.reply.start, row["disclosure"], row["reply"],
                       row["discloser"])
            stats.rows += 1
        return stats

    def row_file(self, path: Path, fmt: str, progress: ProgressFn | None) -> FileStats:
        stats = FileStats(str(path), fmt)
        waiting: deque[tuple[dict, str | None, str]] = deque()

        def texts() -> Iterator[tuple[str | None, str]]:
            for n, record in enumerate(iter_records(path, fmt, progress), start=1):
                stats.messages += 1
                keys = {k.strip().lower(): k for k in record}
                reply = record.get(keys.get("reply", "reply"))
                if not isinstance(reply, str) or not reply.strip():
                    raise ChatFormatError(path, f"row {n} has no reply text; every row needs a non-empty 'reply'")
                disclosure = record.get(keys["disclosure"]) if "disclosure" in keys else None
                disclosure = disclosure if isinstance(disclosure, str) and disclosure.strip() else None
                waiting.append((record, disclosure, reply))
                yield disclosure, reply

        for analysis in self.analyzer.analyze_many(texts(), batch_size=self.batch_size):
            record, disclosure, reply = waiting.popleft()
            row = {}
            for key, value in record.items():
                row[f"input_{key}" if key in ROW_RESERVED else key] = value
            row["label"] = analysis.label
            row["scores"] = {k: round(float(v), 6) for k, v in analysis.scores.items()}
            replier = str(record.get("replier") or record.get("speaker") or "(all rows)")
            time_key = pick_column(list(record), TIME_KEYS)
            when = parse_timestamp(record.get(time_key)) if time_key else None
            self._emit(row, replier, analysis, _cue_dicts(analysis), when, disclosure, reply, None)
            stats.rows += 1
        return stats

    def _emit(self, row: dict, replier: str, analysis: Any, cues: list[dict], when, disclosure: str | None,
              reply: str, discloser: str | None) -> None:
        self.rows += 1
        if self.writer is not None:
            self.writer.write(row)
        self.summary.add(replier, analysis.label, [c.get("cue", "") for c in cues if c.get("cue")])
        if self.report is not None:
            self.report.add(replier, when, disclosure, reply, analysis, cues, discloser)


def _csv_columns(paths: Sequence[Path], formats: Sequence[str], chat: bool, all_turns: bool) -> list[str]:
    if chat:
        cols = ["file", "discloser", "replier", "time", "disclosure", "reply", "label", "scores", "cues"]
        return [*cols, "paired"] if all_turns else cols
    cols: list[str] = []
    for path, fmt in zip(paths, formats, strict=True):
        for record in iter_records(path, fmt):
            for key in record:
                name = f"input_{key}" if key in ROW_RESERVED else key
                if name not in cols:
                    cols.append(name)
            break
    return [*cols, "label", "scores"]


def check_arguments(inputs: Sequence[Path], output: Path | None, report: Path | None, batch_size: int) -> str | None:
    """Validate everything but the inputs' content; return the output kind. Raises ScoreInputError."""
    if not inputs:
        raise ScoreInputError("no input files given")
    if batch_size < 1:
        raise ScoreInputError("--batch-size must be at least 1")
    kind = None
    if output is not None:
        try:
            kind = output_kind(output)
        except ValueError as err:
            raise ScoreInputError(str(err)) from None
    if report is not None and report.suffix.lower() not in (".html", ".htm"):
        raise ScoreInputError(f"--report must end in .html, not {report.name!r}")
    for target in (output, report):
        if target is not None and str(target) != "-" and not target.parent.exists():
            raise ScoreInputError(f"folder {str(target.parent)!r} for {target.name} does not exist")
    return kind


def score_inputs(
    inputs: Sequence[Path],
    analyzer: PairAnalyzer,
    *,
    fmt: str = "auto",
    output: Path | None = None,
    report: Path | None = None,
    me: str | None = None,
    all_turns: bool = False,
    batch_size: int = 64,
    detector: Detector | None = None,
    config: PairingConfig | None = None,
    progress: ProgressFn | None = None,
) -> dict:
    """Score chat exports or reply-row files; write ``output``/``report``; return the summary dict.

    Raises ChatFormatError / ScoreInputError (one-line messages) for bad input or arguments.
    ``progress`` is called with byte counts as the inputs are read (see ``total_bytes``).
    """
    started = time.perf_counter()
    kind = check_arguments(inputs, output, report, batch_size)
    paths = collapse_inputs([Path(p) for p in inputs])
    formats = [resolve_format(p, fmt) for p in paths]
    row_mode = [is_row_input(p, f) for p, f in zip(paths, formats, strict=True)]
    if any(row_mode) and not all(row_mode):
        rows_file = next(p for p, r in zip(paths, row_mode, strict=True) if r)
        chat_file = next(p for p, r in zip(paths, row_mode, strict=True) if not r)
        raise ScoreInputError(
            f"cannot mix reply-row files ({rows_file.name}) and chat exports ({chat_file.name}) in one run"
        )
    chat = not all(row_mode)
    if chat:
        if detector is None:
            from analyzer.disclosure import default_detector

            detector = default_detector()
        config = config or PairingConfig(all_turns=all_turns)
        if all_turns and not config.all_turns:
            from dataclasses import replace

            config = replace(config, all_turns=True)

    builder = None
    if report is not None:
        from analyzer.scoring.report import ReportBuilder

        builder = ReportBuilder(title=", ".join(p.name for p in paths[:3]) + (" …" if len(paths) > 3 else ""))

    files: list[FileStats] = []
    with open_output(output) as fh:
        writer = None
        if fh is not None:
            columns = _csv_columns(paths, formats, chat, all_turns) if kind == "csv" else ()
            writer = RowWriter(fh, kind or "jsonl", columns)
        run = _Run(analyzer, writer, builder, batch_size)
        for path, f in zip(paths, formats, strict=True):
            if chat:
                files.append(run.chat_file(path, f, detector, config, me, progress))  # type: ignore[arg-type]
            else:
                files.append(run.row_file(path, f, progress))
    warnings: list[str] = []
    if writer is not None and writer.dropped_keys:
        warnings.append(f"columns missing from the CSV header were left out: {', '.join(sorted(writer.dropped_keys)[:10])}")
    if chat and me is not None and run.rows == 0:
        senders = sorted(set().union(*(f.senders for f in files)))
        if not any(_same_person(s, me) for s in senders):
            warnings.append(f"--me {me!r} matches no sender; senders: {', '.join(senders[:12]) or 'none'}")
    if builder is not None:
        builder.write(report, files=[f.to_dict() for f in files])  # type: ignore[arg-type]
    result = {
        "mode": "chat" if chat else "rows",
        "files": [f.to_dict() for f in files],
        "messages": sum(f.messages for f in files),
        "turns": sum(f.turns for f in files),
        "disclosures": sum(f.disclosures for f in files),
        "rows": run.rows,
        **run.summary.to_dict(),
        "output": None if output is None else str(output),
        "report": None if report is None else str(report),
        "seconds": round(time.perf_counter() - started, 3),
        "warnings": warnings,
    }
    return result


def total_bytes(inputs: Sequence[Path]) -> int:
    """Bytes a run will read (for a progress bar); unreadable inputs count 0."""
    return sum(_input_size(Path(p)) for p in collapse_inputs([Path(p) for p in inputs]))
