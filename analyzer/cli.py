"""The `reply-analyzer` command line (typer app assembling analyzer/commands/*)."""

from __future__ import annotations

import sys

import typer

from analyzer.commands.check import check
from analyzer.commands.common import EXIT_INTERNAL
from analyzer.commands.data import data_app
from analyzer.commands.evaluate import evaluate
from analyzer.commands.score import score
from analyzer.commands.train import train

app = typer.Typer(
    name="reply-analyzer",
    help="How will a reply to an emotional disclosure land? advice-giving, invalidating, self-centering or validating.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("check")(check)
app.command("score")(score)
app.command("train")(train)
app.command("evaluate")(evaluate)
app.add_typer(data_app, name="data")


def main() -> None:
    """Console-script entry point: unexpected errors become one line and exit code 1."""
    try:
        app()
    except SystemExit:
        raise
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # last resort: never show a traceback to users
        print(f"error: internal error ({type(exc).__name__}: {' '.join(str(exc).split())})", file=sys.stderr)
        sys.exit(EXIT_INTERNAL)
