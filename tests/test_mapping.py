"""Mapping rules: every named rule with examples that fire it and examples that must not.

All texts are invented for these tests.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.labels import LABELS
from training.sources import mapping as m

ADV, INV, SELF, VAL = LABELS

# (rule expected, mapping call, expected label)
POSITIVE: list[tuple[str, object, str | None]] = [
    # generic drops
    ("drop-chat-task", lambda: m.map_esconv("Others", "Can you press quit and take the survey? :)"), None),
    ("drop-chat-task", lambda: m.map_esconv("Providing Suggestions", "PLEASE END THE CHAT"), None),
    ("drop-chat-task", lambda: m.map_esconv("Information", "Neither of us will get paid if you don't click the exit button"), None),
    ("drop-greeting", lambda: m.map_esconv("Question", "Hi there, how are you doing today?"), None),
    ("drop-greeting", lambda: m.map_esconv("Affirmation and Reassurance", "Thanks for chatting, have a nice day!"), None),
    ("drop-greeting", lambda: m.map_esconv("Others", "You're welcome!"), None),
    ("drop-greeting", lambda: m.map_esconv("Information", "No problem, enjoy the rest of your day"), None),
    ("drop-greeting", lambda: m.map_empathetic_intent("questioning", "sad", "I'm good, how about you?"), None),
    # invalidating cues inside supportive strategies
    ("invalidating-denial-reassurance", lambda: m.map_esconv("Affirmation and Reassurance", "Don't worry about it, you did your best."), INV),
    ("invalidating-denial-reassurance", lambda: m.map_esconv("Affirmation and Reassurance", "Cheer up, buddy!"), INV),
    ("invalidating-forced-positivity", lambda: m.map_esconv("Affirmation and Reassurance", "Everything will be fine, stay positive."), INV),
    ("invalidating-forced-positivity", lambda: m.map_empathetic_intent("consoling", "sad", "Look on the bright side, you have more free time now"), INV),
    ("invalidating-minimising", lambda: m.map_empathetic_intent("consoling", "devastated", "It could be worse, at least you still have your car."), INV),
    ("invalidating-minimising", lambda: m.map_esconv("Reflection of feelings", "You're overreacting a bit, it's not a big deal."), INV),
    # advice hidden in supportive strategies
    ("advice-suggestion-question", lambda: m.map_esconv("Question", "Have you tried talking to your manager about it?"), ADV),
    ("advice-suggestion-question", lambda: m.map_esconv("Question", "Why don't you join a running club?"), ADV),
    ("advice-suggestion-question", lambda: m.map_empathetic_intent("questioning", "lonely", "Have you thought about adopting a cat?"), ADV),
    ("advice-cue", lambda: m.map_esconv("Affirmation and Reassurance", "You did great, but you should tell your boss tomorrow."), ADV),
    ("advice-cue", lambda: m.map_esconv("Reflection of feelings", "That sounds awful. If I were you I would move out."), ADV),
    ("advice-cue", lambda: m.map_esconv("Self-disclosure", "I had insomnia too and what helped me was a fixed wake-up time."), ADV),
    # ESConv strategies
    ("esconv-suggestion", lambda: m.map_esconv("Providing Suggestions", "Maybe write down three things that went well each night."), ADV),
    ("esconv-suggestion", lambda: m.map_esconv("Direct Guidance", "Write to the landlord tonight."), ADV),
    ("esconv-information", lambda: m.map_esconv("Information", "Studies show that regular sleep improves mood."), ADV),
    ("esconv-information-normalising", lambda: m.map_esconv("Information", "It's normal to feel anxious before a big move."), VAL),
    ("esconv-reflection", lambda: m.map_esconv("Reflection of feelings", "It sounds like you feel really let down by her."), VAL),
    ("esconv-restatement", lambda: m.map_esconv("Restatement or Paraphrasing", "So you were passed over for the promotion again?"), VAL),
    ("esconv-restatement", lambda: m.map_esconv("Restatement", "So the move was harder than you expected."), VAL),
    ("esconv-affirmation", lambda: m.map_esconv("Affirmation and Reassurance", "You should be proud of how far you've come."), VAL),
    ("esconv-affirmation", lambda: m.map_esconv("Approval and Reassurance", "It's okay to be sad about this."), VAL),
    ("esconv-question", lambda: m.map_esconv("Question", "What was that like for you?"), VAL),
    ("esconv-question", lambda: m.map_esconv("Questions", "Could you tell me more about what happened?"), VAL),
    ("esconv-others", lambda: m.map_esconv("Others", "I see what you mean about the weather there."), None),
    ("esconv-others", lambda: m.map_esconv("Other", "Okay, got it."), None),
    ("esconv-unknown-strategy", lambda: m.map_esconv("Humour", "Knock knock."), None),
    # self-disclosure
    ("self-disclosure-brief", lambda: m.map_esconv("Self-disclosure", "I've been there, it's so lonely. How are you holding up?"), VAL),
    ("self-disclosure-brief", lambda: m.map_esconv("Self-disclosure", "I lost my dad too, so I can relate to how raw it feels."), VAL),
    ("self-disclosure-takeover", lambda: m.map_esconv(
        "Self-disclosure",
        "Omg same, my boss did that to me last year and I was so angry that I went home and cried, then I "
        "called my mum and we talked for hours and I ended up quitting the next month and I still think about it."), SELF),
    ("self-disclosure-me-too", lambda: m.map_esconv("Self-disclosure", "Same, my landlord raised mine in May."), SELF),
    ("self-disclosure-unclear", lambda: m.map_esconv("Self-disclosure", "Nearly ten pounds a pack here."), None),
    # EPITOME
    ("epitome-strong", lambda: m.map_epitome(2, 0, 0, "That sounds so painful, I'm really sorry."), VAL),
    ("epitome-strong", lambda: m.map_epitome(0, 1, 2, "What happened after you told her?"), VAL),
    ("epitome-weak", lambda: m.map_epitome(1, 1, 0, "Hope you feel better."), None),
    ("epitome-zero-pool", lambda: m.map_epitome(0, 0, 0, "Just go to the gym, works for me."), None),
    ("self-disclosure-takeover", lambda: m.map_epitome(
        0, 2, 0,
        "I feel exactly the same, every night I lie awake and I think about my ex and I scroll through my old "
        "photos and I hate myself for it because I know it makes everything worse for me in the morning."), SELF),
    # DiaSafety
    ("diasafety-medical-advice", lambda: m.map_diasafety("Unauthorized Expertise", "Unsafe", "In brief: take paracetamol and rest."), ADV),
    ("diasafety-pool", lambda: m.map_diasafety("Risk Ignorance", "Unsafe", "lol same"), None),
    # EmpatheticDialogues intents
    ("ed-not-negative-emotion", lambda: m.map_empathetic_intent("questioning", "joyful", "What did you get?"), None),
    ("ed-suggesting", lambda: m.map_empathetic_intent("suggesting", "anxious", "Maybe make a revision timetable."), ADV),
    ("ed-acknowledging", lambda: m.map_empathetic_intent("acknowledging", "sad", "Oh no, that's awful."), VAL),
    ("ed-sympathizing", lambda: m.map_empathetic_intent("sympathizing", "lonely", "I'm so sorry you're alone tonight."), VAL),
    ("ed-questioning", lambda: m.map_empathetic_intent("questioning", "afraid", "What scared you the most?"), VAL),
    ("ed-consoling", lambda: m.map_empathetic_intent("consoling", "guilty", "It's understandable to feel torn about it."), VAL),
    ("ed-encouraging", lambda: m.map_empathetic_intent("encouraging", "ashamed", "You were brave to admit it."), VAL),
    ("ed-unmapped-intent", lambda: m.map_empathetic_intent("agreeing", "angry", "Yes, that is true."), None),
    ("ed-unmapped-intent", lambda: m.map_empathetic_intent("caring", "sad", "Poor thing."), None),
    # UCC
    ("ucc-tone-only", lambda: m.map_ucc(), None),
]

# (rule that must NOT decide, mapping call): near misses
NEGATIVE: list[tuple[str, object]] = [
    ("drop-chat-task", lambda: m.map_esconv("Question", "When did the pandemic hit your town?")),
    ("drop-chat-task", lambda: m.map_esconv("Question", "Did you quit your job or were you laid off?")),
    ("drop-greeting", lambda: m.map_esconv("Question", "How are you feeling about the move now?")),
    ("drop-greeting", lambda: m.map_esconv("Reflection of feelings", "I'm here for you.")),
    ("drop-greeting", lambda: m.map_empathetic_intent("questioning", "sad", "Did you get a chance to say goodbye?")),
    ("drop-greeting", lambda: m.map_empathetic_intent("consoling", "afraid", "I hope insurance will take care of it.")),
    ("invalidating-denial-reassurance", lambda: m.map_esconv("Affirmation and Reassurance", "It's okay to worry about this.")),
    ("invalidating-denial-reassurance", lambda: m.map_esconv("Self-disclosure", "I don't think about it much now, but how are you?")),
    ("invalidating-forced-positivity", lambda: m.map_esconv("Affirmation and Reassurance", "I hope things get easier for you.")),
    ("invalidating-minimising", lambda: m.map_esconv("Affirmation and Reassurance", "You're not overreacting at all.")),
    ("invalidating-minimising", lambda: m.map_esconv("Affirmation and Reassurance", "It's nothing to be ashamed of.")),
    ("invalidating-minimising", lambda: m.map_esconv("Question", "Did you get at least some sleep?")),
    ("advice-suggestion-question", lambda: m.map_esconv("Question", "Could you tell me what happened next?")),
    ("advice-suggestion-question", lambda: m.map_esconv("Question", "How about you, how was your week?")),
    ("advice-suggestion-question", lambda: m.map_epitome(0, 0, 2, "What have you tried so far?")),
    ("advice-cue", lambda: m.map_esconv("Affirmation and Reassurance", "You should be proud of yourself.")),
    ("advice-cue", lambda: m.map_esconv("Reflection of feelings", "You must have been so scared.")),
    ("advice-cue", lambda: m.map_esconv("Reflection of feelings", "I'm sorry you have to go through this.")),
    ("esconv-information", lambda: m.map_esconv("Information", "A lot of people feel lonely during lockdown, you're not alone.")),
    ("esconv-question", lambda: m.map_esconv("Question", "Have you considered therapy?")),
    ("esconv-affirmation", lambda: m.map_esconv("Affirmation and Reassurance", "Don't be sad, it happens to everyone.")),
    ("self-disclosure-brief", lambda: m.map_esconv("Self-disclosure", "Same as you, my girlfriend dumped me too.")),
    ("self-disclosure-takeover", lambda: m.map_esconv("Self-disclosure", "I went through something similar. What helped you most?")),
    ("self-disclosure-me-too", lambda: m.map_esconv("Self-disclosure", "I have been there and I know how hard it is.")),
    ("epitome-strong", lambda: m.map_epitome(1, 1, 1, "I hear you.")),
    ("epitome-zero-pool", lambda: m.map_epitome(0, 1, 0, "Hope it gets better.")),
    ("diasafety-medical-advice", lambda: m.map_diasafety("Unauthorized Expertise", "Safe", "I'm sorry, I hope you feel better.")),
    ("ed-suggesting", lambda: m.map_empathetic_intent("suggesting", "proud", "You should frame it!")),
    ("ed-questioning", lambda: m.map_empathetic_intent("questioning", "sad", "Why don't you call her?")),
    ("ed-consoling", lambda: m.map_empathetic_intent("consoling", "sad", "Don't worry, you'll be fine.")),
    ("ed-encouraging", lambda: m.map_empathetic_intent("encouraging", "anxious", "Cheer up, it could be worse!")),
]


@pytest.mark.parametrize(("rule", "call", "label"), POSITIVE, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(POSITIVE)])
def test_rule_fires(rule: str, call, label: str | None) -> None:
    mapped = call()
    assert (mapped.rule, mapped.label) == (rule, label)


@pytest.mark.parametrize(("rule", "call"), NEGATIVE, ids=[f"{r}-{i}" for i, (r, _) in enumerate(NEGATIVE)])
def test_rule_does_not_fire(rule: str, call) -> None:
    assert call().rule != rule


def test_every_rule_has_examples() -> None:
    assert {r for r, _, _ in POSITIVE} == set(m.RULES)
    negatives = {r for r, _ in NEGATIVE}
    # rules that decide whatever the text (pools, intent tables) need no text near miss
    textless = {"esconv-others", "esconv-unknown-strategy", "esconv-restatement", "esconv-reflection",
                "epitome-weak", "diasafety-pool", "ed-not-negative-emotion", "ed-unmapped-intent",
                "ed-acknowledging", "ed-sympathizing", "ucc-tone-only", "esconv-suggestion",
                "esconv-information-normalising", "self-disclosure-unclear"}
    assert set(m.RULES) - negatives <= textless


def test_unknown_rule_name_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown mapping rule"):
        m.Mapping(None, "no-such-rule")


def test_secondary_labels_record_other_functions() -> None:
    mapped = m.map_esconv("Question", "That sounds so hard. Have you tried talking to HR?")
    assert mapped.label == ADV and mapped.secondary == (VAL,)
    mapped = m.map_esconv("Affirmation and Reassurance", "Don't worry, I'm here for you.")
    assert mapped.label == INV and VAL in mapped.secondary
    assert m.map_esconv("Others", "I'm so sorry.").secondary == ()


def test_normalise_handles_apostrophes_and_punctuation() -> None:
    assert m.normalise("Don’t   WORRY!!") == "dont worry"
    assert m.normalise("It's...fine") == "its fine"
    assert m.words("") == []


def test_wildcard_phrase_matches_one_word() -> None:
    cue = m.CueList(["dont * worry"])
    assert cue.find("dont you worry") == "dont you worry"
    assert cue.find("dont worry") is None


def test_strategy_aliases_of_failed_json() -> None:
    assert m.canonical_strategy("Questions") == "Question"
    assert m.canonical_strategy("Direct Guidance") == "Providing Suggestions"
    assert m.canonical_strategy("Information") == "Information"


def test_negative_emotions_are_data() -> None:
    assert m.is_negative_emotion("sad") and m.is_negative_emotion("Terrified ")
    assert not m.is_negative_emotion("proud")


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200), strategy=st.sampled_from(
    ["Question", "Others", "Self-disclosure", "Information", "Providing Suggestions",
     "Affirmation and Reassurance", "Reflection of feelings", "???"]))
def test_mapping_total_on_any_text(text: str, strategy: str) -> None:
    for mapped in (
        m.map_esconv(strategy, text),
        m.map_empathetic_intent("questioning", "sad", text),
        m.map_epitome(2, 0, 0, text),
        m.map_diasafety("Risk Ignorance", "Unsafe", text),
    ):
        assert mapped.label is None or mapped.label in LABELS
        assert mapped.rule in m.RULES
        assert mapped.label not in mapped.secondary
