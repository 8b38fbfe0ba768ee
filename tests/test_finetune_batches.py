"""Length-grouped batching for fine-tuning: every pair once per epoch, less padding."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from training.finetune import epoch_batches


@given(st.lists(st.integers(min_value=1, max_value=500), max_size=400), st.integers(min_value=1, max_value=32), st.booleans())
def test_every_index_appears_once(lengths, batch_size, grouped):
    batches = epoch_batches(lengths, batch_size, random.Random(0), grouped)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths)))
    assert all(0 < len(b) <= batch_size for b in batches)


def padded_tokens(lengths, batches):
    return sum(max(lengths[i] for i in b) * len(b) for b in batches)


def test_grouping_cuts_padding_on_mixed_lengths():
    rng = random.Random(1)
    lengths = [rng.choice([rng.randint(10, 40), rng.randint(100, 160)]) for _ in range(2000)]
    grouped = epoch_batches(lengths, 16, random.Random(0), True)
    plain = epoch_batches(lengths, 16, random.Random(0), False)
    assert padded_tokens(lengths, grouped) < 0.75 * padded_tokens(lengths, plain)


def test_batch_order_depends_on_seed_only():
    lengths = list(range(1, 300))
    a = epoch_batches(lengths, 8, random.Random(5))
    b = epoch_batches(lengths, 8, random.Random(5))
    c = epoch_batches(lengths, 8, random.Random(6))
    assert a == b and a != c
