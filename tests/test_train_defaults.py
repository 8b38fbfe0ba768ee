"""The `reply-analyzer train` options default to the same values as TrainConfig.

The command keeps its defaults as literals (importing ``training.finetune`` would pull in
torch when the CLI starts), so this test is what stops the two from drifting apart.
"""

from __future__ import annotations

import inspect

import pytest

from analyzer.commands.train import train, train_from_files
from training.finetune import TrainConfig

# Not distill_weight: TrainConfig's 0.0 means "no teacher"; the CLI's 0.5 applies only with --teacher.
SHARED = ("epochs", "seed", "patience", "pooling", "soup", "freeze_word_embeddings", "soft_labels", "bf16")


def _default(func, name: str):
    value = inspect.signature(func).parameters[name].default
    return getattr(value, "value", value)  # the CLI's --pooling default is an Enum member


@pytest.mark.parametrize("name", SHARED)
def test_cli_default_matches_train_config(name: str) -> None:
    expected = getattr(TrainConfig(), name)
    assert _default(train, name) == expected
    assert _default(train_from_files, name) == expected
