"""The `reply-analyzer` command line (typer app assembling analyzer/commands/*)."""

from __future__ import annotations

import gc
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


# Commands that never need torch. spaCy's thinc imports torch when it is installed
# (~2.5 s); marking it unavailable first makes thinc skip it, halving `check` start-up.
TORCH_FREE_COMMANDS = frozenset({"check", "score"})


def _skip_torch_import(argv: list[str]) -> None:
    if len(argv) > 1 and argv[1] in TORCH_FREE_COMMANDS and "torch" not in sys.modules:
        sys.modules["torch"] = None  # type: ignore[assignment]  # `import torch` now raises ImportError


def main() -> None:
    """Console-script entry point: unexpected errors become one line and exit code 1."""
    _skip_torch_import(sys.argv)
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
    finally:
        # Objects are all freed at exit anyway; freezing skips the collector's last full pass (~150 ms).
        gc.freeze()
