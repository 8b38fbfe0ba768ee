"""Cue extraction (analyzer/cues.py): cue names, negation and scope, offsets, overlaps,
bad input and long input."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer.cue_patterns import CUE_DATA_DIR, Lexicon, compile_line, expand_sequence, load_cue_patterns
from analyzer.cues import Cue, CueExtractor
from analyzer.labels import LABELS
from analyzer.nlp import load_nlp

REQUIRED_CUES = {
    "advice-giving": ["imperative", "modal-obligation", "have-you-tried", "why-dont-you", "if-i-were-you", "suggestion"],
    "invalidating": ["minimising", "at-least", "comparison-to-others", "forced-positivity", "denial-reassurance",
                     "tone-policing", "blame", "platitude", "get-over-it", "dismissal"],
    "self-centering": ["one-upping", "topic-shift-to-self", "same-happened-to-me", "defensive-intent", "what-about-me"],
    "validating": ["feeling-reflection", "normalising", "sympathy", "presence-offer", "open-question",
                   "permission-ask", "praise", "affirmation", "encouragement"],
}
CUE_LABEL = {cue: label for label, cues in REQUIRED_CUES.items() for cue in cues}


@pytest.fixture(scope="session")
def extractor() -> CueExtractor:
    return CueExtractor.load(load_nlp())


def cue_names(extractor: CueExtractor, text: str) -> list[str]:
    return [c.cue for c in extractor(text)]


# -- every cue name: positives and negatives ------------------------------------------------
POSITIVES = [
    ("just talk to him tomorrow", "imperative"),
    ("pls go see a doctor", "imperative"),
    ("you should totally report him", "modal-obligation"),
    ("u need to get out of there", "modal-obligation"),
    ("you gotta stop answering her calls", "modal-obligation"),
    ("you have to tell someone", "modal-obligation"),
    ("you must call the police", "modal-obligation"),
    ("have you tried melatonin?", "have-you-tried"),
    ("have u talked to ur mom about it", "have-you-tried"),
    ("why don't you just ask him", "why-dont-you"),
    ("y dont u take the day off", "why-dont-you"),
    ("if i were you i'd block her", "if-i-were-you"),
    ("if i was in your shoes i would quit", "if-i-were-you"),
    ("maybe try writing it down", "suggestion"),
    ("what if you talked to your boss first", "suggestion"),
    ("the best thing is to wait it out", "suggestion"),
    ("I'd recommend a therapist tbh", "suggestion"),
    ("you could try meditating", "suggestion"),
    ("it's not a big deal tho", "minimising"),
    ("its not that serious lol", "minimising"),
    ("it's only a test, relax", "minimising"),
    ("at least you got to say goodbye", "at-least"),
    ("it could have been way worse", "at-least"),
    ("others have it so much worse tbh", "comparison-to-others"),
    ("first world problems lol", "comparison-to-others"),
    ("look on the bright side!", "forced-positivity"),
    ("just stay positive", "forced-positivity"),
    ("everything will be fine!!", "forced-positivity"),
    ("don't worry about it", "denial-reassurance"),
    ("dont be sad", "denial-reassurance"),
    ("cheer up buttercup", "denial-reassurance"),
    ("calm down", "tone-policing"),
    ("you're overreacting", "tone-policing"),
    ("ur being so dramatic", "tone-policing"),
    ("you're too sensitive", "tone-policing"),
    ("what did you expect", "blame"),
    ("you brought it on yourself", "blame"),
    ("you should've known better", "blame"),
    ("everything happens for a reason", "platitude"),
    ("time heals all wounds", "platitude"),
    ("it'll all work out in the end", "platitude"),
    ("just get over it", "get-over-it"),
    ("let it go", "get-over-it"),
    ("you need to move on", "get-over-it"),
    ("that's silly", "dismissal"),
    ("so what?", "dismissal"),
    ("you think that's bad? my boss fired me by text", "one-upping"),
    ("try having twins lol", "one-upping"),
    ("must be nice", "one-upping"),
    ("anyway, guess who texted me", "topic-shift-to-self"),
    ("speaking of work, mine is a nightmare", "topic-shift-to-self"),
    ("that reminds me of when i got dumped", "topic-shift-to-self"),
    ("omg same", "same-happened-to-me"),
    ("same thing happened to me last week", "same-happened-to-me"),
    ("me too!", "same-happened-to-me"),
    ("i was only trying to help", "defensive-intent"),
    ("it's not my fault", "defensive-intent"),
    ("i didn't mean it like that", "defensive-intent"),
    ("what about me?", "what-about-me"),
    ("i have feelings too you know", "what-about-me"),
    ("that sounds exhausting", "feeling-reflection"),
    ("that must have been terrifying", "feeling-reflection"),
    ("no wonder you're tired", "feeling-reflection"),
    ("that really sucks", "feeling-reflection"),
    ("it makes sense you feel that way", "normalising"),
    ("anyone would be angry", "normalising"),
    ("anybody in that situation would be upset", "normalising"),  # DependencyMatcher pattern
    ("it's ok to cry", "normalising"),
    ("you're not overreacting", "normalising"),
    ("i'm so sorry", "sympathy"),
    ("sorry to hear that", "sympathy"),
    ("I'm here for you", "presence-offer"),
    ("i'm coming over", "presence-offer"),
    ("want company?", "presence-offer"),
    ("let me know if you need anything", "presence-offer"),
    ("call me anytime", "presence-offer"),
    ("how are you feeling?", "open-question"),
    ("what was that like?", "open-question"),
    ("how are you holding up", "open-question"),
    ("do you want advice or just to vent?", "permission-ask"),
    ("can i offer a suggestion?", "permission-ask"),
    ("you should be proud of yourself", "praise"),
    ("you did your best", "praise"),
    ("you deserve better", "affirmation"),
    ("it's not your fault", "affirmation"),
    ("you shouldn't have to deal with that", "affirmation"),
    ("hang in there", "encouragement"),
    ("you've got this", "encouragement"),
]

NEGATIVES = [
    ("thank you so much", "imperative"),
    ("do you want to talk?", "imperative"),
    ("he said you should call him", "modal-obligation"),
    ("you shouldn't have to deal with that", "modal-obligation"),
    ("do you have to work tomorrow?", "modal-obligation"),
    ("have you eaten today?", "have-you-tried"),
    ("why don't you like him?", "why-dont-you"),
    ("if i were there i'd hug you", "if-i-were-you"),
    ("maybe i'm wrong", "suggestion"),
    ("i'd be upset too", "suggestion"),
    ("it's a big deal and you know it", "minimising"),
    ("i'm glad it wasn't that bad", "minimising"),
    ("it took at least an hour", "at-least"),
    ("people can be so cruel", "comparison-to-others"),
    ("i try to stay positive but it's hard", "forced-positivity"),
    ("i don't worry about that anymore", "denial-reassurance"),
    ("you don't have to be ok", "denial-reassurance"),
    ("I'm not saying you're overreacting", "tone-policing"),
    ("he needs to calm down honestly", "tone-policing"),
    ("don't you dare calm down", "tone-policing"),
    ("I won't tell you to calm down", "tone-policing"),
    ("what do you think happened?", "blame"),
    ("it's not your fault", "blame"),
    ("I hope it gets better", "platitude"),
    ("I would never tell you to get over it", "get-over-it"),
    ("it took me a year to get over him", "get-over-it"),
    ("you don't have to get over it", "get-over-it"),
    ("people who tell you to get over it are wrong", "get-over-it"),
    ("that's ridiculous of him", "dismissal"),
    ("so what happened?", "dismissal"),
    ("try having a calm conversation with her", "one-upping"),
    ("it's nothing you did", "one-upping"),
    ("it hurts anyway", "topic-shift-to-self"),
    ("it's the same old story with him", "same-happened-to-me"),
    ("i didn't know that", "defensive-intent"),
    ("what about him?", "what-about-me"),
    ("that sounds good", "feeling-reflection"),
    ("sounds like a plan", "feeling-reflection"),
    ("it makes no difference", "normalising"),
    ("nobody would be upset about that", "normalising"),
    ("sorry i can't talk right now", "sympathy"),
    ("i'm here at the mall", "presence-offer"),
    ("friends that you can talk to help a lot", "presence-offer"),
    ("how was the movie", "open-question"),
    ("do you want pizza or pasta", "permission-ask"),
    ("you should be careful", "praise"),
    ("i deserve a break", "affirmation"),
    ("hang the picture there", "encouragement"),
]


@pytest.mark.parametrize(("text", "cue"), POSITIVES)
def test_cue_found(extractor, text, cue):
    cues = extractor(text)
    assert cue in [c.cue for c in cues], [c.to_dict() for c in cues]
    assert all(c.label == CUE_LABEL[c.cue] for c in cues if c.cue in CUE_LABEL)


@pytest.mark.parametrize(("text", "cue"), NEGATIVES)
def test_cue_not_found(extractor, text, cue):
    assert cue not in cue_names(extractor, text), [c.to_dict() for c in extractor(text)]


def test_every_required_cue_has_tests_and_patterns(extractor):
    names = extractor.cue_names
    for cue, label in CUE_LABEL.items():
        assert names.get(cue) == label, cue
        assert any(c == cue for _, c in POSITIVES), f"no positive test for {cue}"
        assert any(c == cue for _, c in NEGATIVES), f"no negative test for {cue}"
    assert set(names.values()) <= set(LABELS)


# -- negation and scope ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm not saying you're overreacting", []),
        ("nobody is saying you're overreacting", []),
        ("i dont think ur overreacting", []),
        ("it's not a big deal", ["minimising"]),
        ("don't worry", ["denial-reassurance"]),
        ("don't you dare calm down", []),
        ("I won't tell you to calm down", []),
        ("I'm not going to tell you to calm down", []),
        ("you shouldn't have to deal with that", ["affirmation"]),
        ("you shouldn't text him", ["modal-obligation"]),
        ("I don't think you should quit", ["modal-obligation"]),
        ("I would never tell you to get over it", []),
        ("i hate when people say calm down", []),
        ('he was like "calm down" and walked off', []),
        ("you don't need to calm down", []),
        ("stop telling yourself you're overreacting", ["imperative"]),
    ],
)
def test_negation_and_scope(extractor, text, expected):
    assert cue_names(extractor, text) == expected


def test_you_should_be_proud_is_praise_not_advice(extractor):
    assert cue_names(extractor, "you should be proud") == ["praise"]


def test_specific_cue_beats_generic_imperative(extractor):
    assert cue_names(extractor, "don't worry about him") == ["denial-reassurance"]
    assert cue_names(extractor, "let it go") == ["get-over-it"]
    assert set(cue_names(extractor, "call me if you need anything")) == {"presence-offer"}


# -- offsets and overlaps -------------------------------------------------------------------
SAMPLES = [
    "ugh that sucks. you should quit tho",
    "  im SO sorry 😭 that's awful... want company?",
    "at least you have a job, some people have it way worse",
    "omg same!! anyway did u see what Jess posted",
    "ur dad at least talks to u, mine hasnt called in 3 yrs",
    "I'm here.\n\nCall me if you need anything, ok?",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_offsets_match_text_and_do_not_overlap(extractor, text):
    cues = extractor(text)
    assert cues
    for cue in cues:
        assert text[cue.start:cue.end] == cue.text
        assert cue.text == cue.text.strip()
        assert cue.label in LABELS
    assert [c.start for c in cues] == sorted(c.start for c in cues)
    for a, b in zip(cues, cues[1:]):
        assert a.end <= b.start


def test_cue_to_dict_contract():
    cue = Cue("calm down", 0, 9, "invalidating", "tone-policing")
    assert cue.to_dict() == {"text": "calm down", "start": 0, "end": 9, "label": "invalidating", "cue": "tone-policing"}
    json.dumps(cue.to_dict())
    with pytest.raises(AttributeError):
        cue.start = 3  # frozen


def test_extract_on_shared_doc_equals_call(extractor):
    text = "that sounds awful. have you tried talking to HR?"
    doc = load_nlp()(text)
    before = doc.to_bytes()
    assert extractor.extract(doc) == extractor(text)
    assert doc.to_bytes() == before  # the Analyzer's doc is not modified


def test_extract_is_deterministic(extractor):
    doc = load_nlp()(SAMPLES[0])
    assert extractor.extract(doc) == extractor.extract(doc)


# -- bad and odd input ----------------------------------------------------------------------
@pytest.mark.parametrize("text", ["", " ", "\n\n", "😭😭😭", "❤️", "...", "?!", "👍🏽", "\u200b"])
def test_empty_and_symbol_only_text(extractor, text):
    assert extractor(text) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(
    ["you", "should", "just", "tell", "him", "at", "least", "don't", "worry", "i'm", "so", "sorry", "lol",
     "😭", ",", ".", "?", "!", "calm", "down", "not", "saying", "same", "anyway", "u", "r", "ok", "\n", "'",
     "\"", "ur", "overreacting", "that", "sounds", "hard", "never", "get", "over", "it"]), max_size=30))
def test_random_token_soup_keeps_the_contract(extractor, words):
    text = " ".join(words)
    cues = extractor(text)
    for cue in cues:
        assert 0 <= cue.start < cue.end <= len(text)
        assert text[cue.start:cue.end] == cue.text
        assert cue.label in LABELS
    for a, b in zip(cues, cues[1:]):
        assert a.end <= b.start


@pytest.mark.slow
def test_very_long_text_finishes(extractor):
    """200 KB of chat text: report the time (the Analyzer truncates above its budget)."""
    text = ""
    i = 0
    while len(text) < 200_000:
        text += SAMPLES[i % len(SAMPLES)] + (" " if i % 2 else "\n")
        i += 1
    nlp = load_nlp()
    start = time.perf_counter()
    doc = nlp(text)
    parsed = time.perf_counter()
    cues = extractor.extract(doc)
    done = time.perf_counter()
    print(f"\n200 KB: parse {parsed - start:.1f} s, extract {done - parsed:.1f} s, {len(cues)} cues")
    assert len(cues) > 1000
    assert done - parsed < 60


# -- pattern data ---------------------------------------------------------------------------
def test_pattern_files_compile_with_known_labels():
    patterns = load_cue_patterns()
    assert patterns
    by_cue: dict[str, set[str]] = {}
    for p in patterns:
        if p.block:
            continue
        assert p.label in LABELS, p.source
        by_cue.setdefault(p.cue, set()).add(p.label)
    assert all(len(labels) == 1 for labels in by_cue.values()), by_cue


def test_pattern_lines_are_valid_json_objects():
    for path in sorted(CUE_DATA_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                assert isinstance(json.loads(line), dict)


def test_compact_syntax_expands_and_merges():
    lexicon = Lexicon.load()
    patterns = expand_sequence(["&it_is", "not", "a", "big", "deal"], lexicon)
    assert 1 <= len(patterns) <= 4  # alternatives that differ in one token are merged
    with pytest.raises(ValueError, match="unknown word set"):
        expand_sequence(["@nope"], lexicon)
    with pytest.raises(ValueError, match="label"):
        compile_line({"cue": "x", "label": "rude", "pattern": ["x"]}, lexicon, "k")
