"""Imperative detection on chat text (analyzer/imperative.py)."""

from __future__ import annotations

import pytest

from analyzer.imperative import IMPERATIVE_LABEL, ImperativeDetector
from analyzer.nlp import load_nlp


@pytest.fixture(scope="session")
def nlp():
    return load_nlp()


@pytest.fixture(scope="session")
def detector():
    return ImperativeDetector.load()


def spans(nlp, detector, text: str) -> list[str]:
    return [span.text for span in detector(nlp(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("try going for a walk", "try going for a walk"),
        ("just tell him", "just tell him"),
        ("go to bed lol", "go to bed"),
        ("take a day off", "take a day off"),
        ("ok so honestly just leave him", "just leave him"),
        ("pls go to sleep", "pls go to sleep"),
        ("lol just ignore her", "just ignore her"),
        ("maybe try talking to him first", "maybe try talking to him"),
        ("dont text him back", "dont text him back"),
        ("Don't reply to her tonight.", "Don't reply to her tonight"),
        ("never text him again", "never text him again"),
        ("bro just quit", "just quit"),
        ("cut him off", "cut him off"),
        ("ugh that sucks, tell him tomorrow", "tell him tomorrow"),
        ("Sam, just tell him", "just tell him"),
        ("if you can, talk to your manager", "talk to your manager"),
        ("omg 😭 go see a doctor", "go see a doctor"),
        ("honestly? block him", "block him"),
        ("Get some rest, drink water", "Get some rest"),
    ],
)
def test_imperative_found(nlp, detector, text, expected):
    found = spans(nlp, detector, text)
    assert expected in found, found


@pytest.mark.parametrize(
    "text",
    [
        "you should be proud",
        "I told him",
        "do you want to talk?",
        "want to come over?",
        "wanna grab food later?",
        "thank you",
        "thanks so much",
        "love you",
        "miss you already",
        "hang in there",
        "let me know if you need anything",
        "lmk if u need anything",
        "call me if you need anything",
        "text me when you get home",
        "hope you feel better",
        "know how you feel",
        "feel better soon",
        "take care of yourself",
        "take your time, no rush",
        "see you tomorrow",
        "sounds good",
        "I'm so sorry",
        "have you tried yoga?",
        "did you tell him?",
        "why don't you come over?",
        "go you!!",
        "talk tomorrow?",
        "tell me what happened",
        "same lol",
        "",
        "😭😭😭",
        "I dry my eyes and go for a walk when that happens",
        "re-employ the old strategy",
    ],
)
def test_no_imperative(nlp, detector, text):
    assert spans(nlp, detector, text) == []


def test_span_trims_discourse_and_punctuation(nlp, detector):
    doc = nlp("just tell him he's wrong lol!!")
    (span,) = detector(doc)
    assert span.text.startswith("just tell him")
    assert not span.text.endswith(("lol", "!"))
    assert span.label_ == IMPERATIVE_LABEL


def test_spans_stop_at_conjoined_clauses(nlp, detector):
    found = spans(nlp, detector, "block him and move on")
    assert found[0] == "block him"
    assert "move on" in found


def test_by_sentence_returns_one_list_per_sentence(nlp, detector):
    doc = nlp("That sucks. Go to bed early tonight. Do you want to talk?")
    per_sentence = detector.by_sentence(doc)
    assert len(per_sentence) == len(list(doc.sents))
    flat = [s.text for sent in per_sentence for s in sent]
    assert flat == ["Go to bed early tonight"]


def test_empty_doc(nlp, detector):
    assert detector.by_sentence(nlp("")) == []
