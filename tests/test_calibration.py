"""Calibration on dev: temperature scaling, label offsets (BCTS), ECE, and how a folder applies them."""

from __future__ import annotations

import json

import numpy as np
import pytest

from analyzer.model import ModelConfig, ModelFolderError, softmax
from training.calibrate import (
    MIN_BIAS_ITEMS,
    expected_calibration_error,
    fit_bias_temperature,
    fit_calibration,
    fit_temperature,
)


def sample(n: int, temperature: float, bias: np.ndarray, seed: int = 0):
    """Logits whose true label distribution is softmax(logits / temperature + bias)."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 3, size=(n, 4))
    p = softmax(logits, temperature, bias)
    gold = np.array([rng.choice(4, p=row) for row in p])
    return logits, gold


def test_temperature_recovers_overconfidence():
    logits, gold = sample(4000, 2.0, np.zeros(4))
    assert fit_temperature(logits, gold) == pytest.approx(2.0, rel=0.15)


def test_bias_temperature_recovers_a_label_shift():
    bias = np.array([0.0, 0.8, -0.5, 0.3])
    logits, gold = sample(6000, 1.5, bias, seed=1)
    t, b = fit_bias_temperature(logits, gold)
    assert t == pytest.approx(1.5, rel=0.15)
    assert b[0] == 0.0
    assert np.allclose(b, bias, atol=0.2)
    # And it is a better fit than temperature alone, so calibration error drops.
    t_only = fit_temperature(logits, gold)
    assert expected_calibration_error(softmax(logits, t, b), gold) < expected_calibration_error(softmax(logits, t_only), gold)


def test_offsets_need_a_large_dev_split_with_every_label():
    logits, gold = sample(MIN_BIAS_ITEMS - 1, 1.0, np.zeros(4))
    assert fit_calibration(logits, gold)[1] == [0.0] * 4
    logits, gold = sample(1000, 1.0, np.zeros(4))
    gold[gold == 3] = 0  # one label missing
    assert fit_calibration(logits, gold)[1] == [0.0] * 4
    assert fit_calibration(*sample(1000, 1.0, np.array([0, 1.0, 0, 0])), with_bias=False)[1] == [0.0] * 4
    assert fit_calibration(*sample(1000, 1.0, np.array([0, 1.0, 0, 0])))[1][1] > 0.5


def test_softmax_applies_temperature_then_offsets():
    logits = np.array([[2.0, 0.0, 0.0, 0.0]])
    assert np.allclose(softmax(logits, 2.0, [0.0, 1.0, 0.0, 0.0]), softmax(np.array([[1.0, 1.0, 0.0, 0.0]])))
    assert np.allclose(softmax(logits, 1.0, None), softmax(logits))


def write_config(tmp_path, **extra):
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"labels": ["advice-giving", "invalidating", "self-centering", "validating"], **extra}))
    return path


def test_model_config_reads_offsets_and_defaults_to_zero(tmp_path):
    assert ModelConfig.read(write_config(tmp_path)).logit_bias == (0.0, 0.0, 0.0, 0.0)
    assert ModelConfig.read(write_config(tmp_path, logit_bias=[0, 0.5, -1, 0.25])).logit_bias == (0.0, 0.5, -1.0, 0.25)


@pytest.mark.parametrize("bad", [[0.1, 0.2], "0.1", [0, 0, "x", 0]])
def test_model_config_rejects_malformed_offsets(tmp_path, bad):
    with pytest.raises(ModelFolderError, match="logit_bias"):
        ModelConfig.read(write_config(tmp_path, logit_bias=bad))
