"""`reply-analyzer score`: label every disclosure→reply pair in chat exports (or every reply row)."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Optional

import typer

from analyzer.commands.common import UserError, user_errors
from analyzer.labels import LABELS
from analyzer.scoring.run import LazyAnalyzer, ScoreInputError, check_arguments, score_inputs, total_bytes

__all__ = ["score", "score_inputs", "print_summary"]

FORMAT_HELP = (
    "auto (default: detect from content), whatsapp, telegram, messenger, instagram, discord, imessage, sms, "
    "csv or jsonl (chat columns sender,timestamp,text; or reply rows with reply[,disclosure])."
)
SHORT = {"advice-giving": "advice", "invalidating": "invalidating", "self-centering": "self-centr.", "validating": "validating"}


def print_summary(summary: dict, console=None) -> None:
    """Per-replier table (pairs, share of each label, most common cues) and a one-line tally."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    if not console.is_terminal:
        console.width = max(console.width, 120)  # files and pipes: do not squeeze the table to 80 columns
    if summary["mode"] == "chat":
        line = (
            f"{summary['messages']:,} messages · {summary['turns']:,} turns · {summary['disclosures']:,} disclosures · "
            f"{summary['rows']:,} scored"
        )
    else:
        line = f"{summary['rows']:,} reply rows scored"
    console.print(line)
    if summary["repliers"]:
        table = Table(title="replies per person" if summary["mode"] == "chat" else None)
        table.add_column("replier")
        table.add_column("pairs", justify="right")
        for label in LABELS:
            table.add_column(SHORT[label], justify="right")
        table.add_column("most common cues", overflow="fold")
        for name, stats in summary["repliers"].items():
            shares = [f"{100 * stats['labels'][label]:.0f}%" for label in LABELS]
            cues = ", ".join(f"{cue} ×{n}" for cue, n in stats["top_cues"]) or "-"
            table.add_row(name, str(stats["pairs"]), *shares, cues)
        console.print(table)
    for target, what in ((summary.get("output"), "rows"), (summary.get("report"), "report")):
        if target and target != "-":
            console.print(f"{what} written to {target}")
    for warning in summary.get("warnings", []):
        console.print(f"[yellow]warning:[/yellow] {warning}")


def _progress(inputs: list[Path]):
    """A rich progress bar on stderr over the bytes of the inputs (None when stderr is not a terminal)."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    if not console.is_terminal:
        return None, None
    bar = Progress(
        TextColumn("scoring"), BarColumn(), DownloadColumn(), TimeRemainingColumn(), console=console, transient=True
    )
    task = bar.add_task("scoring", total=total_bytes(inputs) or None)
    return bar, (lambda n: bar.advance(task, n))


def score(
    inputs: Annotated[list[Path], typer.Argument(help="Chat exports, or CSV/JSONL files of replies.", show_default=False)],
    fmt: Annotated[str, typer.Option("--format", help=FORMAT_HELP)] = "auto",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write rows to FILE.jsonl or FILE.csv ('-': JSONL on stdout).")] = None,
    report: Annotated[Optional[Path], typer.Option("--report", help="Write a self-contained HTML report.")] = None,
    me: Annotated[Optional[str], typer.Option("--me", help="Your name in the export: score only your replies ('Me' in SMS/iMessage exports becomes NAME).")] = None,
    all_turns: Annotated[bool, typer.Option("--all", help="Score every turn, not only replies to disclosures.")] = False,
    model: Annotated[Optional[Path], typer.Option("--model", help="Model folder (default: the shipped model).")] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", help="Replies analysed per step (memory only: a reply's scores do not depend on it).")] = 64,
) -> None:
    """Find disclosure→reply pairs in chat exports and label each reply; print a per-person summary."""
    with user_errors():
        try:
            from analyzer.chats import resolve_format

            check_arguments(inputs, output, report, batch_size)  # fail fast, before the model loads
            for path in inputs:
                resolve_format(path, fmt)
            if model is not None:  # a folder the user named: check it now (the default loads lazily)
                from analyzer.model import check_model_dir

                check_model_dir(model)

            def load():
                from analyzer.analysis import Analyzer

                return Analyzer.load(model)

            analyzer = LazyAnalyzer(load)
            bar, advance = _progress(inputs)
            with bar if bar is not None else nullcontext():
                summary = score_inputs(
                    inputs, analyzer, fmt=fmt, output=output, report=report, me=me, all_turns=all_turns,
                    batch_size=batch_size, progress=advance,
                )
        except ScoreInputError as err:
            raise UserError(str(err)) from None
    from rich.console import Console

    print_summary(summary, Console(stderr=True) if output is not None and str(output) == "-" else None)
    sys.stdout.flush()
