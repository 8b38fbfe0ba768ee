"""`reply-analyzer data ...`: the project corpus."""

from __future__ import annotations

from typing import Annotated

import typer

from analyzer.commands.common import print_json, user_errors

data_app = typer.Typer(help="The project's labelled corpus.", no_args_is_help=True)


@data_app.command("stats")
def stats(as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False) -> None:
    """Counts of the corpus by label, split and source (needs ../shared/data for the public parts)."""
    from training.data import corpus_records, corpus_stats

    with user_errors():
        result = corpus_stats(corpus_records())
    if as_json:
        print_json(result)
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(f"total {result['total']}  splits {result['by_split']}  hard items in test {result['hard_in_test']}")
    double = result["double_annotation"]
    if double["items"]:
        console.print(
            f"double-annotated (blind) {double['items']}: first two agree {double['first_two_agree']:.1%} "
            f"(kappa {double['kappa']:.2f}), "
            f"third vote {double['third_vote']}, label changed {double['changed_label']}, "
            f"rejected (no majority) {double['rejected_no_majority']}"
        )
    second = double.get("train_second_votes") or {}
    if second.get("items"):
        console.print(
            f"train references re-voted because a model doubted them {second['items']}: "
            f"first two agree {second['first_two_agree']:.1%}, label changed {second['changed_label']}, "
            f"rejected (no majority) {second['rejected_no_majority']}"
        )
    for key in ("by_label", "train_by_label", "test_by_label", "by_source"):
        t = Table(title=key)
        t.add_column("name")
        t.add_column("count", justify="right")
        for name, n in result[key].items():
            t.add_row(name, str(n))
        console.print(t)
