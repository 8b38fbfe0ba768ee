"""Turn grouping and disclosure→reply pairing rules; the pairing benchmark floor on the fixtures."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from analyzer.chats.message import Message
from analyzer.pairing import PairingConfig, Turn, group_turns, iter_pairs, pair_turns

T0 = datetime(2024, 1, 1, 20, 0)


class KeywordDetector:
    """Test double: "SAD!" scores 0.95 (sure), "SAD" 0.6 (a disclosure, but not sure), anything else 0.1."""

    threshold = 0.5

    def predict_proba(self, texts):
        return [0.95 if "SAD!" in t else 0.6 if "SAD" in t else 0.1 for t in texts]


def msgs(*spec: tuple[int, str, str], conversation: str = "") -> list[tuple[str, Message]]:
    """(minutes after T0, sender, text) → iter_chat-style items."""
    return [(conversation, Message(sender, T0 + timedelta(minutes=m), text)) for m, sender, text in spec]


def pairs(items, **config) -> list[tuple[str | None, str, str]]:
    return [(p.disclosure.text if p.disclosure else None, p.reply.sender, p.reply.text)
            for p in iter_pairs(items, KeywordDetector(), PairingConfig(**config))]


def test_consecutive_messages_form_a_turn_until_a_gap() -> None:
    turns = list(group_turns(msgs((0, "A", "one"), (1, "A", "two"), (30, "A", "three"), (31, "B", "four"))))
    assert [(t.sender, t.text, t.n_messages) for t in turns] == [("A", "one\ntwo", 2), ("A", "three", 1), ("B", "four", 1)]
    assert turns[0].start == T0 and turns[0].end == T0 + timedelta(minutes=1)


def test_disclosure_pairs_with_the_next_turn_of_someone_else() -> None:
    items = msgs((0, "A", "hi"), (1, "B", "hey"), (5, "A", "I am SAD"), (6, "A", "really"), (9, "B", "oh no"), (10, "B", "hugs"),
                 (12, "A", "thanks"))
    assert pairs(items) == [("I am SAD\nreally", "B", "oh no\nhugs")]


def test_unanswered_and_late_replies_give_no_pair() -> None:
    assert pairs(msgs((0, "A", "SAD news"))) == []
    late = msgs((0, "A", "SAD news"), (13 * 60, "B", "morning!"))
    assert pairs(late) == []
    assert pairs(late, reply_window=timedelta(hours=24)) == [("SAD news", "B", "morning!")]


def test_discloser_adding_more_before_an_answer_extends_the_disclosure() -> None:
    items = msgs((0, "A", "SAD day"), (20, "A", "anyone there?"), (25, "B", "here, what happened?"))
    assert pairs(items) == [("SAD day\nanyone there?", "B", "here, what happened?")]


def test_group_chat_first_other_speaker_replies() -> None:
    items = msgs((0, "A", "SAD news"), (2, "C", "oh no"), (3, "B", "so sorry"))
    assert pairs(items) == [("SAD news", "C", "oh no")]


def test_a_reply_becomes_a_disclosure_only_when_the_detector_is_sure() -> None:
    items = msgs((0, "A", "SAD day"), (2, "B", "aw that is SAD"), (4, "A", "yeah"))
    assert pairs(items) == [("SAD day", "B", "aw that is SAD")]
    items = msgs((0, "A", "SAD day"), (2, "B", "same, SAD! my dog died"), (4, "A", "oh no"))
    assert pairs(items) == [("SAD day", "B", "same, SAD! my dog died"), ("same, SAD! my dog died", "A", "oh no")]


def test_conversations_are_kept_apart_even_when_interleaved() -> None:
    a = msgs((0, "A", "SAD here"), conversation="x")
    b = msgs((1, "B", "unrelated"), conversation="y")
    c = msgs((2, "C", "oh no"), conversation="x")
    assert pairs(a + b + c) == [("SAD here", "C", "oh no")]


def test_all_turns_mode_scores_every_turn_with_its_context() -> None:
    items = msgs((0, "A", "hi"), (1, "B", "hey"), (2, "A", "SAD"), (3, "B", "oh no"))
    got = [(p.disclosure.text if p.disclosure else None, p.reply.text, p.paired)
           for p in iter_pairs(items, KeywordDetector(), PairingConfig(all_turns=True))]
    assert got == [(None, "hi", False), ("hi", "hey", False), ("hey", "SAD", False), ("SAD", "oh no", True)]


def test_missing_or_mixed_timestamps_do_not_break_pairing() -> None:
    items = [("", Message("A", None, "SAD")), ("", Message("B", None, "oh no"))]
    assert pairs(items) == [("SAD", "B", "oh no")]
    mixed = [("", Message("A", T0, "SAD")), ("", Message("B", T0.astimezone(), "oh no"))]
    assert pairs(mixed) == [("SAD", "B", "oh no")]


def test_long_turns_are_capped() -> None:
    items = msgs(*[(i % 5, "A", "x" * 1000) for i in range(10)])
    [turn] = list(group_turns(items, max_chars=2500))
    assert len(turn.text) == 2500 and turn.n_messages == 10


def test_extended_keeps_the_highest_score() -> None:
    a = Turn("", "A", T0, T0, "one", score=0.9)
    b = Turn("", "A", T0, T0 + timedelta(minutes=1), "two", score=0.2)
    merged = a.extended(b, 100)
    assert merged.text == "one\ntwo" and merged.score == 0.9 and merged.n_messages == 2


def test_pair_turns_accepts_unscored_turns() -> None:
    turns = [Turn("", "A", T0, T0, "x"), Turn("", "B", T0, T0, "y")]
    assert list(pair_turns(turns, 0.5)) == []


@pytest.mark.slow
def test_pairing_benchmark_floor() -> None:
    """Pair recall >= 0.90 and precision >= 0.80 on the labelled fixtures (>= 8 files, >= 60 pairs)."""
    from analyzer.disclosure import default_detector
    from benchmarks.pairing_benchmark import MIN_PRECISION, MIN_RECALL, run

    result = run(default_detector())
    assert result["fixtures"] >= 8 and result["gold_pairs"] >= 60
    assert result["recall"] >= MIN_RECALL and result["precision"] >= MIN_PRECISION, result
