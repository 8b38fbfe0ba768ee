"""Suggestions: fit the label and cue, reflect the disclosed feeling, vary between drafts."""

from __future__ import annotations

import json

import pytest

from analyzer.cues import Cue
from analyzer.suggest import DATA_DIR, find_feeling, suggest
from analyzer.labels import LABELS


def test_feeling_found_by_word_or_lemma():
    f = find_feeling([("i", "i"), ("felt", "feel"), ("humiliated", "humiliate")])
    assert f is not None and f.situation == "humiliating" and f.state == "humiliated"
    assert find_feeling([("nice", "nice"), ("weather", "weather")]) is None


def test_advice_suggestion_names_the_cue_and_asks_before_advising():
    cue = Cue("just tell him", 0, 13, "advice-giving", "imperative")
    s = suggest("just tell him he's wrong", "advice-giving", [cue], find_feeling([("humiliated", "humiliate")]), False)
    assert "just tell him" in s
    assert "humiliating" in s
    assert "?" in s  # a question hands the choice back


def test_invalidating_suggestion_keeps_the_feeling():
    cue = Cue("at least", 0, 8, "invalidating", "at-least")
    s = suggest("at least you have a job", "invalidating", [cue], find_feeling([("stressed", "stress")]), False)
    assert "at least" in s and "stressed" in s


def test_validating_with_question_is_kept():
    s = suggest("that sounds so hard, how are you holding up?", "validating", [], None, True)
    assert "Keep it" in s or "already" in s


@pytest.mark.parametrize("label", LABELS)
def test_every_label_gets_a_suggestion_without_disclosure(label):
    assert suggest("whatever", label, [], None, False).strip()


def test_same_draft_same_suggestion_different_drafts_vary():
    drafts = [f"draft number {i}" for i in range(30)]
    outs = {suggest(d, "self-centering", [], None, False) for d in drafts}
    assert suggest("x", "self-centering", [], None, False) == suggest("x", "self-centering", [], None, False)
    assert len(outs) >= 6


def test_suggestion_texts_cover_every_label_and_format_cleanly():
    texts = json.loads((DATA_DIR / "suggestions.json").read_text(encoding="utf-8"))
    assert set(texts["why_by_label"]) == set(LABELS)
    assert set(texts["follow_up"]) == set(LABELS)
    for options in texts["why_by_cue"].values():
        for o in options:
            assert o.format(cue="X")
