"""training.evaluate.first_vote_reference: the first annotator's score against the final label."""

from __future__ import annotations

import pytest

from training.evaluate import first_vote_reference


def test_only_records_with_votes_count_and_the_first_vote_is_scored():
    records = [
        {"label": "validating", "votes": ["validating", "validating"]},
        {"label": "validating", "votes": ["invalidating", "validating", "validating"]},
        {"label": "invalidating", "votes": ["invalidating", "invalidating"]},
        {"label": "advice-giving"},  # authored: no votes
        {"label": "advice-giving", "votes": []},
    ]
    ref = first_vote_reference(records)
    assert ref["n"] == 3
    assert ref["accuracy"] == pytest.approx(2 / 3)
    # validating F1 = 2*1*0.5/1.5 = 2/3, invalidating F1 = 2*0.5*1/1.5 = 2/3, and the two labels
    # absent from both count as 0 (macro-F1 over all four labels, as for the model)
    assert ref["macro_f1"] == pytest.approx((2 / 3 + 2 / 3) / 4)


def test_no_votes_gives_none():
    assert first_vote_reference([{"label": "validating"}]) is None
    assert first_vote_reference([]) is None
