"""`reply-analyzer check`: how will this draft reply land?"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from analyzer.commands.common import UserError, print_json, user_errors


def read_stdin_text(stream=None) -> str:
    """All of piped stdin as UTF-8 text; UserError if it is not UTF-8."""
    raw = (stream or sys.stdin.buffer).read()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError("stdin is not UTF-8 text; save the reply as UTF-8 or pass it as an argument") from None


def _interactive(analyzer, disclosure: str | None, as_json: bool) -> None:
    from rich.console import Console

    from analyzer.analysis import ReplyError
    from analyzer.render import print_analysis

    console = Console()
    console.print("[dim]Paste the message you are answering and your draft. An empty draft quits.[/dim]")
    while True:
        try:
            context = disclosure
            if context is None:
                context = console.input("[bold]Message you're answering[/bold] (Enter to skip): ").strip() or None
            draft = console.input("[bold]Your draft reply[/bold]: ")
        except (EOFError, KeyboardInterrupt):
            console.print()
            return
        if not draft.strip():
            return
        try:
            result = analyzer.analyze(draft, disclosure=context)
        except ReplyError as exc:
            console.print(f"[red]error:[/red] {exc}")
            continue
        if as_json:
            print_json(result.to_dict())
        else:
            print_analysis(result, console)
        console.print()


def check(
    reply: Annotated[Optional[str], typer.Argument(help="The draft reply. Omit to read stdin or to be asked.", show_default=False)] = None,
    to: Annotated[Optional[str], typer.Option("--to", help="The message the reply answers (the disclosure).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as one JSON object.")] = False,
    model: Annotated[Optional[Path], typer.Option("--model", help="Model folder (default: the shipped model).")] = None,
) -> None:
    """Label a draft reply, show its cues, a sentence breakdown and a suggestion."""
    from analyzer.analysis import Analyzer

    with user_errors():
        interactive = reply is None and sys.stdin.isatty()
        if reply is None and not interactive:
            reply = read_stdin_text()
        if reply is not None:
            from analyzer.analysis import check_reply

            check_reply(reply)  # fail fast, before the model loads
        analyzer = Analyzer.load(model)
        if interactive:
            _interactive(analyzer, to, as_json)
            return
        result = analyzer.analyze(reply, disclosure=to)
    if as_json:
        print_json(result.to_dict())
    else:
        from analyzer.render import print_analysis

        print_analysis(result)
