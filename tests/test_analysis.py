"""The Analyzer API with the shipped model: breakdown, cues, suggestions, batching."""

from __future__ import annotations

import pytest

from analyzer.analysis import MAX_REPLY_CHARS, ReplyError, check_reply
from analyzer.labels import LABELS

pytestmark = pytest.mark.slow


def test_analyze_returns_consistent_result(analyzer):
    res = analyzer.analyze("just tell him he's wrong", disclosure="my boss tore my report apart in front of everyone")
    assert res.label == max(res.scores, key=res.scores.get)
    assert abs(sum(res.scores.values()) - 1) < 1e-4
    assert res.to_dict()["label"] == res.label


def test_sentence_breakdown_for_mixed_reply(analyzer):
    reply = "That sounds awful, I'm so sorry. You should quit and report him to HR tomorrow."
    res = analyzer.analyze(reply, disclosure="my manager humiliated me in a meeting")
    assert len(res.sentences) == 2
    assert [reply[s.start : s.end] for s in res.sentences] == [s.text for s in res.sentences]
    assert res.sentences[0].label == "validating"
    assert res.sentences[1].label == "advice-giving"
    assert res.sentences_disagree


def test_single_sentence_has_one_breakdown_row_with_whole_scores(analyzer):
    res = analyzer.analyze("  no wonder you're upset  ")
    assert len(res.sentences) == 1
    assert res.sentences[0].text == "no wonder you're upset"
    assert res.sentences[0].scores == res.scores


def test_analyze_many_keeps_order_and_matches_analyze(analyzer):
    pairs = [(None, "calm down, it's not a big deal"), ("I got dumped", "that must hurt so much"),
             ("my dog died", "omg my dog died last year too and I cried for weeks, anyway are you coming saturday"),
             (None, "have you tried talking to her?")] * 3
    many = list(analyzer.analyze_many(pairs, batch_size=5))
    assert [m.reply for m in many] == [r for _, r in pairs]
    # Each pair runs through the encoder alone: batch-mates change nothing, sentences included.
    for i in (0, 1, 2, 7, 11):
        single = analyzer.analyze(pairs[i][1], disclosure=pairs[i][0]).to_dict()
        assert many[i].to_dict() == single


def test_suggestion_reflects_the_disclosed_feeling(analyzer):
    res = analyzer.analyze("just tell him he's wrong", disclosure="my boss tore my report apart, I feel so humiliated")
    assert "humiliat" in res.suggestion


def test_suggestions_vary_between_drafts(analyzer):
    drafts = ["you should just quit", "try talking to HR", "go for a run, it helps", "maybe update your CV tonight",
              "you need to stand up for yourself", "ask for a meeting with his boss"]
    suggestions = {analyzer.analyze(d, disclosure="my boss yelled at me").suggestion for d in drafts}
    assert len(suggestions) >= 4


def test_check_reply_limits():
    with pytest.raises(ReplyError, match="empty"):
        check_reply("   ")
    with pytest.raises(ReplyError, match="limit"):
        check_reply("x" * (MAX_REPLY_CHARS + 1))
    assert len(check_reply("x" * (MAX_REPLY_CHARS + 5), truncate=True)) == MAX_REPLY_CHARS
    with pytest.raises(ReplyError):
        check_reply(None)  # type: ignore[arg-type]


def test_labels_order_in_scores(analyzer):
    assert tuple(analyzer.analyze("ok").scores) == LABELS
