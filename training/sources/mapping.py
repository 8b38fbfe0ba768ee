"""Mapping rules: native labels of the public data sets -> our four labels.

The rules follow the label guide (LABELS.md), not the native labels: a native
"reassurance" that denies the feeling is `invalidating`, a native "question"
that is a suggestion is `advice-giving`, chat-task talk and greetings are
dropped. Every rule has a name (``RULES``); the ``map_*`` functions return a
:class:`Mapping` naming the rule that decided. Cue phrases live in
``mapping_rules.json`` beside this module.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from analyzer.labels import LABELS

RULES_PATH = Path(__file__).with_name("mapping_rules.json")

ADVICE, INVALIDATING, SELF_CENTERING, VALIDATING = LABELS

RULES: dict[str, str] = {
    # generic, shared by several sources
    "drop-chat-task": "chat-task / HIT talk (end the chat, survey, quit button, turns, mturk): dropped",
    "drop-greeting": "greeting-only turn, or a short closing (thanks for chatting, have a nice day): dropped",
    "invalidating-denial-reassurance": "reassurance that denies the feeling (don't worry, cheer up): invalidating",
    "invalidating-forced-positivity": "forced positivity (everything will be fine, stay positive): invalidating",
    "invalidating-minimising": "minimising / judging (at least, could be worse, calm down): invalidating",
    "advice-suggestion-question": "question that is a suggestion (have you tried, why don't you): advice-giving",
    "advice-cue": "advice phrase (you should, I suggest, maybe try) in a supportive turn: advice-giving",
    # ESConv
    "esconv-suggestion": "ESConv Providing Suggestions / Direct Guidance: advice-giving",
    "esconv-information": "ESConv Information: advice-giving (information they did not ask for)",
    "esconv-information-normalising": "ESConv Information that only normalises (many people feel...): validating",
    "esconv-reflection": "ESConv Reflection of feelings: validating",
    "esconv-restatement": "ESConv Restatement or Paraphrasing: validating",
    "esconv-affirmation": "ESConv Affirmation and Reassurance without denial: validating",
    "esconv-question": "ESConv open Question: validating",
    "esconv-others": "ESConv Others: unmapped",
    "esconv-unknown-strategy": "ESConv strategy not in the table: unmapped",
    "self-disclosure-brief": "short self-disclosure that serves them (asks about them / validating phrase): validating",
    "self-disclosure-takeover": "long self-disclosure, mostly first person, no question back: self-centering",
    "self-disclosure-me-too": "short 'me too' story with no 'you', no question, no care phrase: self-centering",
    "self-disclosure-unclear": "self-disclosure neither clearly brief nor a take-over: unmapped",
    # EPITOME
    "epitome-strong": "EPITOME level 2 on emotional reactions or explorations: validating",
    "epitome-weak": "EPITOME best level 1: unmapped",
    "epitome-zero-pool": "EPITOME level 0 on all three: unmapped candidate pool (advice, dismissive, me-too)",
    # DiaSafety
    "diasafety-medical-advice": "DiaSafety doctor-style reply ('in brief: ...'): advice-giving",
    "diasafety-pool": "DiaSafety: unmapped candidate pool (category in native)",
    # EmpatheticDialogues intents
    "ed-not-negative-emotion": "EmpatheticDialogues situation emotion is not negative: not a disclosure, unmapped",
    "ed-suggesting": "ED intent suggesting: advice-giving",
    "ed-acknowledging": "ED intent acknowledging on a negative situation: validating",
    "ed-sympathizing": "ED intent sympathizing on a negative situation: validating",
    "ed-questioning": "ED intent questioning (open question) on a negative situation: validating",
    "ed-consoling": "ED intent consoling without invalidating phrases: validating",
    "ed-encouraging": "ED intent encouraging without invalidating phrases: validating",
    "ed-unmapped-intent": "ED intent neutral/agreeing/wishing or an emotion label: unmapped",
    # UCC
    "ucc-tone-only": "UCC news comment, tone-only auxiliary: unmapped (scores in native)",
}

_INVALIDATING_KINDS = (
    ("denial_reassurance", "invalidating-denial-reassurance"),
    ("forced_positivity", "invalidating-forced-positivity"),
    ("minimising", "invalidating-minimising"),
)


@dataclass(frozen=True)
class Mapping:
    """A mapped label (None = unmapped/dropped), the rule that decided, secondary labels."""

    label: str | None
    rule: str
    secondary: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"unknown mapping rule {self.rule!r}")


# --- cue matching -----------------------------------------------------------

_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc`\u00b4]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WILDCARD = "zzwildcardzz"


@lru_cache(maxsize=16384)
def normalise(text: str) -> str:
    """Lower-case, drop apostrophes (don't -> dont), other punctuation -> single spaces."""
    return _NON_WORD.sub(" ", _APOSTROPHES.sub("", text.lower())).strip()


def words(text: str) -> list[str]:
    """Normalised word tokens of ``text``."""
    norm = normalise(text)
    return norm.split() if norm else []


@lru_cache(maxsize=1)
def rules_data() -> dict[str, Any]:
    """The cue lists and thresholds from ``mapping_rules.json``."""
    with RULES_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


def _phrase_regex(phrases: list[str]) -> re.Pattern[str] | None:
    alts = sorted({normalise(p.replace("*", f" {_WILDCARD} ")) for p in phrases if p.strip()}, key=len, reverse=True)
    if not alts:
        return None
    body = "|".join(re.escape(a).replace(_WILDCARD, "[a-z0-9]+") for a in alts)
    return re.compile(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])")


class CueList:
    """A list of phrases matched at word boundaries on normalised text, after masks are removed."""

    def __init__(self, phrases: list[str], masks: list[str] | None = None) -> None:
        self.regex = _phrase_regex(phrases)
        self.masks = _phrase_regex(masks or [])
        self._found = lru_cache(maxsize=16384)(self._find)

    def find(self, norm: str) -> str | None:
        """First matching phrase in already normalised text, or None."""
        return self._found(norm)

    def _find(self, norm: str) -> str | None:
        if self.regex is None:
            return None
        if self.masks is not None:
            norm = self.masks.sub(" ~ ", norm)
        m = self.regex.search(norm)
        return m.group(0) if m else None


@lru_cache(maxsize=None)
def cues(name: str, masks: str | None = None) -> CueList:
    """The compiled cue list ``name`` from the rules file (with mask list ``masks``)."""
    data = rules_data()
    return CueList(data[name], data[masks] if masks else None)


@lru_cache(maxsize=None)
def _word_set(name: str) -> frozenset[str]:
    return frozenset(normalise(w) for w in rules_data()[name])


# --- detectors (each used by one or more rules) ----------------------------


def find_task_talk(text: str) -> str | None:
    """Chat-task / HIT talk (survey, quit button, end the chat, turns), or None."""
    return cues("task_talk").find(normalise(text))


def is_greeting_only(text: str) -> bool:
    """True when nothing but greeting phrases and filler words is left."""
    norm = normalise(text)
    if not norm:
        return True
    rest = cues("greeting_phrases").regex.sub(" ", norm).split()  # type: ignore[union-attr]
    fillers = _word_set("greeting_fillers")
    return len(rest) < len(norm.split()) and all(w in fillers for w in rest)


def is_closing(text: str) -> bool:
    """True for a short turn with a closing phrase (thanks for chatting, have a nice day).

    Weak closings ("you too", "no problem") count only in very short turns.
    """
    norm = normalise(text)
    n_words = len(norm.split())
    data = rules_data()
    if n_words <= int(data["closing_max_words"]) and cues("closing_phrases", "closing_masks").find(norm):
        return True
    return n_words <= int(data["closing_short_max_words"]) and bool(
        cues("closing_short_phrases", "closing_masks").find(norm)
    )


def find_invalidating(text: str) -> tuple[str, str] | None:
    """(rule name, phrase) of the first invalidating cue kind present, or None."""
    norm = normalise(text)
    for list_name, rule in _INVALIDATING_KINDS:
        hit = cues(list_name, "invalidating_masks").find(norm)
        if hit:
            return rule, hit
    return None


def find_suggestion_question(text: str) -> str | None:
    """A question form that suggests an action (have you tried, why don't you), or None."""
    return cues("suggestion_questions", "suggestion_question_masks").find(normalise(text))


def find_advice(text: str) -> str | None:
    """An advice phrase (you should, I suggest, maybe try) outside praise/self talk, or None."""
    return cues("advice_phrases", "advice_masks").find(normalise(text))


def find_normalising(text: str) -> str | None:
    """A normalising phrase (it's normal to, many people feel, you're not alone), or None."""
    return cues("normalising").find(normalise(text))


def find_validating(text: str) -> str | None:
    """A validating phrase (sorry, that sounds, must be, I hear you), or None."""
    return cues("validating_phrases").find(normalise(text))


def self_disclosure_kind(text: str) -> str | None:
    """Classify a self-disclosure: 'brief', 'takeover', 'me-too' or None (unclear).

    brief: at most ``brief_max_words`` words and it serves them (ends with a question
    to them, or has a validating phrase such as "I can relate"); takeover: long,
    first person outnumbers second person, no closing question; me-too: short,
    about the replier only (no "you", no question, no validating phrase).
    """
    cfg = rules_data()["self_disclosure"]
    toks = words(text)
    first = sum(w in _word_set("first_person") for w in toks)
    second = sum(w in _word_set("second_person") for w in toks)
    stripped = text.strip()
    sentences = [s for s in _SENTENCE_END.split(stripped) if s.strip()]
    last = words(sentences[-1]) if sentences else []
    asks = stripped.endswith("?")
    asks_them = asks and any(w in _word_set("second_person") for w in last)
    caring = find_validating(text) is not None
    if len(toks) <= int(cfg["brief_max_words"]):
        if asks_them or caring:
            return "brief"
        if second == 0 and not asks and first >= int(cfg["me_too_min_first_person"]):
            return "me-too"
        return None
    if first >= int(cfg["takeover_min_first_person"]) and first > second and not asks:
        return "takeover"
    return None


def secondary_labels(text: str, primary: str | None) -> tuple[str, ...]:
    """Other functions whose cues are present, in label order, excluding ``primary``."""
    found = set()
    if find_suggestion_question(text) or find_advice(text):
        found.add(ADVICE)
    if find_invalidating(text):
        found.add(INVALIDATING)
    if find_validating(text) or find_normalising(text):
        found.add(VALIDATING)
    found.discard(primary)  # type: ignore[arg-type]
    return tuple(label for label in LABELS if label in found)


def _mapped(label: str | None, rule: str, text: str) -> Mapping:
    return Mapping(label, rule, secondary_labels(text, label) if label else ())


# --- rules ------------------------------------------------------------------


def drop_chat(text: str) -> Mapping | None:
    """Rules drop-chat-task and drop-greeting: a Mapping to None, or None when it is a real turn."""
    if find_task_talk(text):
        return Mapping(None, "drop-chat-task")
    if is_greeting_only(text) or is_closing(text):
        return Mapping(None, "drop-greeting")
    return None


def supportive(text: str, default_rule: str) -> Mapping:
    """A turn the source calls supportive: invalidating cue > advice cue > validating (``default_rule``)."""
    inval = find_invalidating(text)
    if inval:
        return _mapped(INVALIDATING, inval[0], text)
    if find_suggestion_question(text):
        return _mapped(ADVICE, "advice-suggestion-question", text)
    if find_advice(text):
        return _mapped(ADVICE, "advice-cue", text)
    return _mapped(VALIDATING, default_rule, text)


def canonical_strategy(strategy: str) -> str:
    """ESConv strategy name with failed.json's older spellings mapped to the current ones."""
    strategy = (strategy or "").strip()
    return rules_data()["esconv_strategy_aliases"].get(strategy, strategy)


_ESCONV_SUPPORTIVE = {
    "Reflection of feelings": "esconv-reflection",
    "Restatement or Paraphrasing": "esconv-restatement",
    "Affirmation and Reassurance": "esconv-affirmation",
    "Question": "esconv-question",
}


def map_esconv(strategy: str, text: str) -> Mapping:
    """Map one ESConv supporter turn (native ``strategy``) by the guide."""
    dropped = drop_chat(text)
    if dropped:
        return dropped
    strategy = canonical_strategy(strategy)
    if strategy == "Others":
        return Mapping(None, "esconv-others")
    if strategy == "Providing Suggestions":
        return _mapped(ADVICE, "esconv-suggestion", text)
    if strategy == "Information":
        if find_normalising(text) and not (find_advice(text) or find_suggestion_question(text)):
            return _mapped(VALIDATING, "esconv-information-normalising", text)
        return _mapped(ADVICE, "esconv-information", text)
    if strategy in _ESCONV_SUPPORTIVE:
        return supportive(text, _ESCONV_SUPPORTIVE[strategy])
    if strategy == "Self-disclosure":
        return map_self_disclosure(text)
    return Mapping(None, "esconv-unknown-strategy")


def map_self_disclosure(text: str) -> Mapping:
    """Self-disclosure: invalidating/advice cues first, then brief -> validating, take-over -> self-centering."""
    decided = supportive(text, "self-disclosure-brief")
    if decided.label != VALIDATING:
        return decided
    kind = self_disclosure_kind(text)
    if kind == "brief":
        return decided
    if kind in ("takeover", "me-too"):
        return _mapped(SELF_CENTERING, f"self-disclosure-{kind}", text)
    return Mapping(None, "self-disclosure-unclear")


def map_epitome(emotional_reactions: int, interpretations: int, explorations: int, text: str) -> Mapping:
    """EPITOME: level 2 -> validating unless cues say otherwise; all 0 -> pool.

    Strong interpretations alone are mostly the replier's own similar experience,
    so they go through the self-disclosure rule (brief / take-over / me-too).
    """
    best = max(emotional_reactions, interpretations, explorations)
    if max(emotional_reactions, explorations) >= 2:
        return supportive(text, "epitome-strong")
    if interpretations >= 2:
        return map_self_disclosure(text)
    if best == 0:
        return Mapping(None, "epitome-zero-pool")
    return Mapping(None, "epitome-weak")


def map_diasafety(category: str, label: str, text: str) -> Mapping:
    """DiaSafety: doctor-style medical replies -> advice-giving; everything else a pool."""
    head = text.strip().lower()
    if any(head.startswith(p) for p in rules_data()["diasafety_medical_advice_prefixes"]):
        return _mapped(ADVICE, "diasafety-medical-advice", text)
    return Mapping(None, "diasafety-pool")


def is_negative_emotion(emotion: str) -> bool:
    """True for EmpatheticDialogues situation emotions that make the speaker's turns disclosures."""
    return emotion.strip().lower() in rules_data()["ed_negative_emotions"]


def map_empathetic_intent(intent: str, emotion: str, text: str) -> Mapping:
    """EmpatheticDialogues listener turn with its (machine) ``intent`` in a dialog about ``emotion``."""
    if not is_negative_emotion(emotion):
        return Mapping(None, "ed-not-negative-emotion")
    dropped = drop_chat(text)
    if dropped:
        return dropped
    intent = intent.strip().lower()
    groups = rules_data()["ed_intents"]
    if intent in groups["advice"]:
        return _mapped(ADVICE, "ed-suggesting", text)
    if intent in groups["supportive"] or intent in groups["consoling"]:
        return supportive(text, f"ed-{intent}")
    return Mapping(None, "ed-unmapped-intent")


def map_ucc() -> Mapping:
    """UCC comments are not replies to disclosures: never mapped."""
    return Mapping(None, "ucc-tone-only")
