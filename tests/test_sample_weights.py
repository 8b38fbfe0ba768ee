"""training.finetune.sample_weights: per-record loss weights (rule-mapped, hard cases)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from training.finetune import TrainConfig, sample_weights


def test_defaults_weigh_curated_one_and_mapped_half_whether_hard_or_not():
    rows = [{"origin": "authored"}, {"origin": "authored", "hard": True}, {"origin": "mapped"}, {"origin": "reviewed", "hard": False}]
    assert sample_weights(rows, TrainConfig()) == [1.0, 1.0, TrainConfig.mapped_weight, 1.0]


def test_hard_weight_multiplies_the_mapped_weight():
    rows = [{"origin": "reviewed", "hard": True}, {"origin": "mapped", "hard": True}, {"origin": "mapped"}, {"origin": "authored"}]
    assert sample_weights(rows, TrainConfig(hard_weight=2.0, mapped_weight=0.25)) == [2.0, 0.5, 0.25, 1.0]


@given(
    st.lists(st.fixed_dictionaries({"origin": st.sampled_from(["authored", "reviewed", "mapped"]), "hard": st.booleans()}), max_size=40),
    st.floats(min_value=0.1, max_value=5.0),
)
def test_only_hard_records_change_with_the_hard_weight(rows, hard_weight):
    plain = sample_weights(rows, TrainConfig())
    weighted = sample_weights(rows, TrainConfig(hard_weight=hard_weight))
    assert len(weighted) == len(rows)
    for row, a, b in zip(rows, plain, weighted):
        assert b == pytest.approx(a * hard_weight) if row["hard"] else b == a


@pytest.mark.parametrize("weight", ["0", "-1"])
def test_training_command_rejects_a_hard_weight_that_is_not_positive(capsys, weight):
    from training.train import main

    with pytest.raises(SystemExit):
        main(["--hard-weight", weight, "--out", "unused"])
    assert "--hard-weight must be positive" in capsys.readouterr().err
