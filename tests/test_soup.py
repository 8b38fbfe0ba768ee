"""Greedy model soup: ingredient seeds, weight averaging, and the dev-guarded greedy choice."""

from __future__ import annotations

import pytest
import torch

from tests.tiny_examples import EXAMPLES
from training.finetune import TrainConfig
from training.soup import average_states, ingredient_configs


def test_ingredients_share_initial_weights_and_differ_in_data_order():
    configs = ingredient_configs(TrainConfig(seed=13, soup=3))
    assert [c.seed for c in configs] == [13, 13, 13]
    # The first ingredient is exactly the single run (order seed = seed).
    assert [c.order_seed for c in configs] == [None, 14, 15]
    assert all(c.soup == 1 for c in configs)
    assert [c.order_seed for c in ingredient_configs(TrainConfig(seed=13, order_seed=40, soup=2))] == [40, 41]
    assert len(ingredient_configs(TrainConfig(soup=1))) == 1
    assert len(ingredient_configs(TrainConfig(soup=0))) == 1


def test_average_states_averages_floats_and_keeps_integer_buffers():
    a = {"w": torch.tensor([1.0, 2.0]), "ids": torch.tensor([0, 1, 2])}
    b = {"w": torch.tensor([3.0, 6.0]), "ids": torch.tensor([5, 5, 5])}
    out = average_states([a, b])
    assert torch.equal(out["w"], torch.tensor([2.0, 4.0]))
    assert out["w"].dtype == torch.float32
    assert torch.equal(out["ids"], a["ids"])
    single = average_states([a])
    assert torch.equal(single["w"], a["w"]) and single["w"] is not a["w"]


@pytest.mark.slow
def test_greedy_soup_never_scores_below_its_best_ingredient_on_dev():
    from training.soup import finetune_soup

    records = [{"disclosure": d, "reply": r, "label": l} for d, r, l in EXAMPLES]
    config = TrainConfig(epochs=3, batch_size=8, learning_rate=3e-4, disclosure_dropout=0.0, eval_every=2,
                         warmup_ratio=0.0, patience=100, soup=2)
    events = []
    result = finetune_soup(records, records, config, on_step=events.append)
    per_run = [h for h in result.history if "ingredient" in h]
    assert {h["ingredient"] for h in per_run} == {0, 1}
    best_single = max(h["dev_macro_f1"] for h in per_run)
    tried = [h for h in result.history if "soup" in h]
    assert len(tried) == 1 and tried[0]["kept"] == (tried[0]["dev_macro_f1"] >= best_single)
    assert result.history[-1]["soup_final"] in ([0, 1], [0], [1])
    assert result.best_dev_macro_f1 >= best_single
    # Progress counts steps over both runs.
    steps = [e["step"] for e in events if "ingredient" in e]
    assert steps == sorted(steps) and max(steps) == result.steps
    assert {e["total"] for e in events if "ingredient" in e} == {result.steps}


def test_souping_folders_rejects_a_folder_without_weights(tmp_path):
    from training.soup import soup_folders

    (tmp_path / "a").mkdir()
    with pytest.raises(ValueError, match="weights.json"):
        soup_folders([tmp_path / "a"], tmp_path / "out", [], [])


def _folder_with(path, baseline: bool, npz: bytes | None):
    path.mkdir()
    if baseline:
        (path / "baseline.skops").write_bytes(b"archive of " + path.name.encode())  # bytes differ per fit
    if npz is not None:
        (path / "lexical.npz").write_bytes(npz)
    return path


@pytest.mark.parametrize(
    ("second", "shared"),
    [
        ({"baseline": True, "npz": b"same weights"}, True),
        ({"baseline": True, "npz": b"other weights"}, False),  # fitted to another corpus
        ({"baseline": False, "npz": b"same weights"}, False),
        ({"baseline": True, "npz": None}, False),  # no blend export to compare
    ],
)
def test_soup_keeps_the_baseline_only_when_every_folder_has_the_same_one(tmp_path, second, shared):
    from training.soup import shared_baseline

    first = _folder_with(tmp_path / "a", True, b"same weights")
    other = _folder_with(tmp_path / "b", **second)
    expected = first / "baseline.skops" if shared else None
    assert shared_baseline([first, other], "baseline.skops") == expected
    assert shared_baseline([first], "baseline.skops") == first / "baseline.skops"
