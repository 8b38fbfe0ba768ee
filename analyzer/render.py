"""Terminal rendering of an Analysis with rich (printing only; no computing here)."""

from __future__ import annotations

from rich.console import Console, Group
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from analyzer.analysis import Analysis
from analyzer.labels import LABELS

LABEL_STYLE = {
    "advice-giving": "bold yellow",
    "invalidating": "bold red",
    "self-centering": "bold magenta",
    "validating": "bold green",
}
BAR_WIDTH = 28


def score_bars(scores: dict[str, float], winner: str) -> Table:
    """One row per label: name, a bar proportional to its score, the percentage."""
    table = Table.grid(padding=(0, 1))
    for label in LABELS:
        p = scores[label]
        filled = int(round(p * BAR_WIDTH))
        bar = Text("█" * filled, style=LABEL_STYLE[label]) + Text("░" * (BAR_WIDTH - filled), style="dim")
        name = Text(label, style=LABEL_STYLE[label] if label == winner else "")
        table.add_row(name, bar, Text(f"{p:6.1%}"))
    return table


def highlighted_reply(analysis: Analysis) -> Text:
    """The reply with every cue span coloured by its label."""
    text = Text(analysis.reply)
    for cue in analysis.cues:
        text.stylize(f"{LABEL_STYLE[cue.label]} underline", cue.start, cue.end)
    return text


def cue_legend(analysis: Analysis) -> Text:
    """`cue-name` tags in order, coloured by label."""
    legend = Text()
    for cue in analysis.cues:
        if legend:
            legend.append("  ")
        legend.append(f"“{cue.text}”", style=LABEL_STYLE[cue.label])
        legend.append(f" {cue.cue}", style="dim")
    return legend


def sentence_table(analysis: Analysis) -> Table:
    """Per-sentence labels, shown when the sentences disagree."""
    table = Table(show_header=True, header_style="bold", box=None, padding=(0, 1))
    table.add_column("sentence")
    table.add_column("label")
    table.add_column("score", justify="right")
    for s in analysis.sentences:
        table.add_row(s.text, Text(s.label, style=LABEL_STYLE[s.label]), f"{s.scores[s.label]:.0%}")
    return table


def render(analysis: Analysis) -> Group:
    """The full human-readable report for one reply."""
    parts: list = [
        Text.assemble(("Likely to land as: ", "bold"), (analysis.label, LABEL_STYLE[analysis.label])),
        Padding(score_bars(analysis.scores, analysis.label), (0, 0, 1, 2)),
        Text("Your reply", style="bold"),
        Padding(highlighted_reply(analysis), (0, 0, 0, 2)),
    ]
    if analysis.cues:
        parts.append(Padding(cue_legend(analysis), (0, 0, 0, 2)))
    if analysis.sentences_disagree:
        parts += [Text(), Text("Sentence by sentence", style="bold"), Padding(sentence_table(analysis), (0, 0, 0, 2))]
    parts += [Text(), Text("Suggestion", style="bold"), Padding(Text(analysis.suggestion), (0, 0, 0, 2))]
    return Group(*parts)


def print_analysis(analysis: Analysis, console: Console | None = None) -> None:
    """Print the report to the console (stdout by default)."""
    (console or Console()).print(render(analysis))
