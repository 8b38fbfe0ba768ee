"""The TF-IDF + cue baseline: save/load round trip and a compact file."""

from __future__ import annotations

import zipfile

import numpy as np

from training.baseline import BASELINE_FILE, Baseline

REPLIES = [
    "you should just quit, honestly", "have you tried talking to hr about it", "maybe try a walk first",
    "it's not a big deal, calm down", "at least you still have a job", "you're overreacting tbh",
    "omg same, my boss did that to me last year", "that reminds me of my own wedding", "what about me though",
    "that sounds exhausting, I'm here", "no wonder you're upset", "I'm so sorry, that must have hurt",
] * 2
LABELS = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3] * 2


def test_baseline_round_trip_is_exact_and_compact(tmp_path):
    model = Baseline.fit(REPLIES, LABELS)
    for name in ("word", "char"):
        vocabulary = model.parts[name].vocabulary_
        assert vocabulary and all(type(index) is int for index in vocabulary.values())
    before = model.predict_proba(REPLIES)
    path = model.save(tmp_path)
    # One zip member per numpy scalar is what made the shipped file 18 MB; a handful remain.
    assert len(zipfile.ZipFile(path).infolist()) < 20
    after = Baseline.load(tmp_path).predict_proba(REPLIES)
    assert path.name == BASELINE_FILE
    np.testing.assert_allclose(after, before)
    assert before.shape == (len(REPLIES), 4)
