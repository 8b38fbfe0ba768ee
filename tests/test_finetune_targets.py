"""Soft targets from annotators' votes and tail weight averaging used by fine-tuning."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analyzer.labels import LABEL2ID, LABELS
from training.finetune import WeightAverager, soft_targets

label = st.sampled_from(LABELS)


def test_votes_become_shares_and_rejects_are_ignored():
    rows = [
        {"label": "validating", "votes": ["validating", "advice-giving", "validating"]},
        {"label": "invalidating", "votes": ["invalidating", "", "invalidating"]},
        {"label": "self-centering", "votes": []},
    ]
    t = soft_targets(rows)
    assert t[0, LABEL2ID["validating"]] == pytest.approx(2 / 3)
    assert t[0, LABEL2ID["advice-giving"]] == pytest.approx(1 / 3)
    assert t[1, LABEL2ID["invalidating"]] == pytest.approx(1.0)
    assert t[2, LABEL2ID["self-centering"]] == 1.0


def test_votes_off_gives_one_hot_majority():
    rows = [{"label": "validating", "votes": ["validating", "advice-giving", "validating"]}]
    t = soft_targets(rows, use_votes=False)
    assert t[0].tolist() == [1.0 if name == "validating" else 0.0 for name in LABELS]


def test_a_single_vote_is_not_enough_for_a_soft_target():
    t = soft_targets([{"label": "advice-giving", "votes": ["validating", ""]}])
    assert t[0, LABEL2ID["advice-giving"]] == 1.0


@given(st.lists(st.tuples(label, st.lists(st.one_of(label, st.just("")), max_size=4)), min_size=1, max_size=30))
def test_targets_are_distributions_whose_top_share_is_the_majority(rows):
    records = [{"label": lab, "votes": votes} for lab, votes in rows]
    t = soft_targets(records)
    assert np.allclose(t.sum(1), 1.0) and (t >= 0).all()
    for rec, row in zip(records, t):
        counted = [v for v in rec["votes"] if v]
        if len(counted) >= 2:
            top = max(counted.count(v) for v in counted)
            assert row.max() == pytest.approx(top / len(counted))


def test_weight_averager_averages_float_weights_only():
    torch = pytest.importorskip("torch")

    class Tiny(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lin = torch.nn.Linear(2, 2)
            self.register_buffer("ids", torch.arange(3))

    model = Tiny()
    avg = WeightAverager()
    seen = []
    for value in (1.0, 2.0, 6.0):
        with torch.no_grad():
            model.lin.weight.fill_(value)
            model.lin.bias.fill_(-value)
        avg.add(model)
        seen.append(value)
    state = avg.state_dict(model)
    assert avg.count == 3
    assert torch.allclose(state["lin.weight"], torch.full((2, 2), 3.0))
    assert torch.allclose(state["lin.bias"], torch.full((2,), -3.0))
    assert state["ids"].tolist() == [0, 1, 2] and state["ids"].dtype == torch.int64
    # The model itself is untouched until the caller loads the averaged state.
    assert model.lin.weight[0, 0].item() == 6.0
