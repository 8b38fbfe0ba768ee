"""benchmarks/register_markers.py: marker shares per split and label."""

from __future__ import annotations

from benchmarks.register_markers import marker_table


def test_markers_are_counted_per_split_and_label_on_whole_words():
    records = [
        {"split": "train", "label": "validating", "reply": "omg no, want me to come get u after?"},
        {"split": "train", "label": "validating", "reply": "I'm so sorry, that's awful"},
        {"split": "dev", "label": "self-centering", "reply": "lol same, my umbrella broke too"},
    ]
    totals, hits = marker_table(records)
    assert totals["train"]["validating"] == 2 and totals["dev"]["self-centering"] == 1
    assert hits[("u / ur / ya", "train", "validating")] == 1
    assert hits[("omg", "train", "validating")] == 1
    assert hits[("offer of help", "train", "validating")] == 1
    assert hits[("lol / lmao / haha", "dev", "self-centering")] == 1
    # "umbrella" and "sorry" hold no marker; "u" only counts as a word.
    assert hits[("u / ur / ya", "dev", "self-centering")] == 0
    assert hits[("offer of help", "train", "self-centering")] == 0
