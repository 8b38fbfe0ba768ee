"""Imperative (instruction) detection on chat text.

A clause gives an instruction when its first content word, after discourse words such as
"just", "maybe", "ok so", "honestly", "pls", "lol" and emoji, is a base-form verb with no
subject ("try going for a walk", "just tell him", "go to bed lol", "dont text him back").
The tagger often calls a clause-initial "try" VBP and parses "lol" as a subject, so the
rule reads tags and the parse together instead of trusting either alone. Later clauses
count too when the parser makes them subjectless main verbs ("ugh that sucks, tell him
tomorrow"). Questions ("want to come over?"), wishes and thanks ("feel better", "thank
you", "love you"), dropped-subject "I" statements ("hope you feel better", "know how you
feel"), encouragement ("hang in there") and offers of contact ("let me know", "call me")
are not instructions; their openings are listed in ``data/cues/imperative.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from analyzer.cue_patterns import CUE_DATA_DIR, Lexicon
from analyzer.cue_scope import ScopeRules, is_boundary

IMPERATIVE_FILE = "imperative.json"
IMPERATIVE_LABEL = "imperative"
_BASE_TAGS = frozenset({"VB", "VBP"})
_NOT_BASE = frozenset({"am", "are", "is", "'re", "'m", "re", "m", "r", "\u2019re", "\u2019m", "be"})
_BLOCKING_AUX_TAGS = frozenset({"MD", "TO"})
_BLOCKING_AUX_LEMMAS = frozenset({"do", "be", "have", "will", "can", "would", "should", "must"})
_SPAN_STOP_DEPS = frozenset({"conj", "cc", "punct", "parataxis", "intj", "discourse"})
_CLAUSE_DEPS = frozenset({"ROOT", "conj", "parataxis", "ccomp", "dep", "advcl"})
_SELF_WORDS = frozenset({"my", "myself", "i", "mine", "im", "i'm", "i\u2019m"})
_CLAUSE_MARKS = frozenset({",", ";", ":", "-", "--", "\u2013", "\u2014", "...", "\u2026"})
_JUST = frozenset({"just", "jus", "jst", "simply", "only", "pls", "plz", "please", "maybe", "perhaps"})


def _sequence_matches(doc: Doc, start: int, seq: tuple[frozenset[str], ...]) -> bool:
    if start + len(seq) > len(doc):
        return False
    return all(doc[start + k].lower_ in options for k, options in enumerate(seq))


@dataclass(frozen=True, slots=True)
class ImperativeRules:
    """Word lists for imperative detection (``analyzer/data/cues/imperative.json``)."""

    non_advice_verbs: frozenset[str]
    non_advice_starts: tuple[tuple[frozenset[str], ...], ...]
    negative_starts: tuple[tuple[frozenset[str], ...], ...]
    subject_like_discourse: frozenset[str]
    say_verbs: frozenset[str]

    @classmethod
    def load(cls, path: Path | None = None) -> "ImperativeRules":
        raw = json.loads((path or CUE_DATA_DIR / IMPERATIVE_FILE).read_text(encoding="utf-8"))

        def seqs(key: str) -> tuple[tuple[frozenset[str], ...], ...]:
            return tuple(tuple(frozenset(tok.split("|")) for tok in seq) for seq in raw[key])

        return cls(
            non_advice_verbs=frozenset(raw["non_advice_verbs"]),
            non_advice_starts=seqs("non_advice_starts"),
            negative_starts=seqs("negative_starts"),
            subject_like_discourse=frozenset(raw["subject_like_discourse"]),
            say_verbs=frozenset(raw["say_verbs"]),
        )


class ImperativeDetector:
    """Find instruction clauses; ``detector(doc)`` returns spans in document order."""

    def __init__(self, rules: ImperativeRules, scope: ScopeRules) -> None:
        self.rules = rules
        self.scope = scope

    @classmethod
    def load(cls, scope: ScopeRules | None = None) -> "ImperativeDetector":
        """Build a detector from the shipped data files."""
        if scope is None:
            scope = ScopeRules.load(frozenset(Lexicon.load().word_set("discourse")))
        return cls(ImperativeRules.load(), scope)

    def __call__(self, doc: Doc) -> list[Span]:
        return [span for sent in self.by_sentence(doc) for span in sent]

    def by_sentence(self, doc: Doc) -> list[list[Span]]:
        """One list of imperative spans (label ``imperative``) per sentence of ``doc``."""
        if not len(doc):
            return []
        return [self._in_sentence(doc, sent) for sent in doc.sents]

    # -----------------------------------------------------------------------------------
    def _in_sentence(self, doc: Doc, sent: Span) -> list[Span]:
        found: dict[int, Span] = {}
        for start in self._clause_starts(doc, sent):
            span = self._at_clause_start(doc, start, sent)
            if span is not None:
                found.setdefault(span.start, span)
        verbs = {self._verb_of(span) for span in found.values()}
        for tok in sent:
            if tok.i in {span.start for span in found.values()} or tok in verbs or self.scope.is_filler(tok):
                continue
            if tok.tag_ != "VB" or tok.dep_ not in _CLAUSE_DEPS:
                continue
            if tok.dep_ == "conj" and tok.head not in verbs:
                continue
            if tok.dep_ in {"ccomp", "advcl", "dep"} and tok.head.lemma_.lower() not in self.rules.say_verbs \
                    and not self.scope.clause_initial(doc, self._left_edge(doc, tok)):
                continue
            span = self._imperative_span(doc, tok, tok.i, sent, negative=False)
            if span is not None:
                found.setdefault(span.start, span)
                verbs.add(tok)
        return sorted(found.values(), key=lambda s: s.start)

    def _clause_starts(self, doc: Doc, sent: Span) -> list[int]:
        """Indices of the first content token of the sentence and of each clause after
        a comma, semicolon or dash inside it."""
        starts: list[int] = []
        expect = True
        for tok in sent:
            if tok.is_sent_start or tok.i == sent.start:
                expect = True
            if expect and not self.scope.is_filler(tok) and not tok.is_punct:
                starts.append(tok.i)
                expect = False
            elif tok.is_punct and tok.text in _CLAUSE_MARKS and is_boundary(tok):
                expect = True
        return starts

    def _left_edge(self, doc: Doc, verb: Token) -> int:
        i = verb.i
        while i > 0 and doc[i - 1].lower_ in _JUST:
            i -= 1
        return i

    def _verb_of(self, span: Span) -> Token:
        for tok in span:
            if tok.pos_ in {"VERB", "AUX"} and tok.lower_ not in {"do", "dont", "don't", "never"} and tok.dep_ != "neg":
                return tok
        return span[0]

    def _at_clause_start(self, doc: Doc, i: int, sent: Span) -> Span | None:
        for seq in self.rules.non_advice_starts:
            if _sequence_matches(doc, i, seq):
                return None
        for seq in self.rules.negative_starts:
            if _sequence_matches(doc, i, seq):
                j = i + len(seq)
                while j < len(doc) and self.scope.is_filler(doc[j]) and doc[j].lower_ not in {"you", "u"}:
                    j += 1
                if j < len(doc) and doc[j].tag_ in _BASE_TAGS:
                    return self._imperative_span(doc, doc[j], i, sent, negative=True)
                return None
        tok = doc[i]
        if tok.tag_ not in _BASE_TAGS and not self._bare_past_form(tok):
            return None
        if tok.lower_ in _NOT_BASE or (tok.tag_ == "VBP" and tok.lemma_.lower() != tok.lower_):
            return None
        if tok.dep_ in {"aux", "auxpass"} and tok.head.i > tok.i:
            return None
        return self._imperative_span(doc, tok, self._left_edge(doc, tok), sent, negative=False)

    @staticmethod
    def _bare_past_form(tok: Token) -> bool:
        """"quit", "cut", "put" tagged as past forms at a clause start: the base form
        is spelled the same, so the tagger's guess carries no evidence of tense."""
        return tok.tag_ in {"VBD", "VBN"} and tok.lower_ == tok.lemma_.lower() and tok.dep_ == "ROOT"

    def _has_subject(self, verb: Token) -> bool:
        for child in verb.children:
            if child.dep_ not in {"nsubj", "nsubjpass", "csubj", "expl"}:
                continue
            if child.lower_ in self.rules.subject_like_discourse or self.scope.is_filler(child):
                continue
            nxt = child.nbor(1) if child.i + 1 < len(child.doc) else None
            if child.i < verb.i and nxt is not None and nxt.text == "," and child.pos_ == "PROPN":
                continue  # vocative: "sam, just tell him"
            return True
        return False

    def _blocked_by_aux(self, verb: Token, negative: bool) -> bool:
        for child in verb.children:
            if child.dep_ not in {"aux", "auxpass"} or child.i > verb.i:
                continue
            if child.tag_ in _BLOCKING_AUX_TAGS:
                return True
            if child.lemma_.lower() in _BLOCKING_AUX_LEMMAS and not (negative and child.lemma_.lower() == "do"):
                return True
        return False

    def _imperative_span(self, doc: Doc, verb: Token, start: int, sent: Span, negative: bool) -> Span | None:
        lower = verb.lower_
        if lower in self.rules.non_advice_verbs or verb.lemma_.lower() in self.rules.non_advice_verbs:
            return None
        if lower in _NOT_BASE or not verb.is_alpha:
            return None
        if not verb.whitespace_ and verb.i + 1 < len(doc) and doc[verb.i + 1].text in {"-", "\u2013"}:
            return None  # a prefix: "re-employ"
        if not negative:
            for seq in self.rules.non_advice_starts:
                if _sequence_matches(doc, verb.i, seq):
                    return None
        if self._has_subject(verb) or self._blocked_by_aux(verb, negative):
            return None
        if any(t.lower_ in _SELF_WORDS for t in doc[verb.i + 1:min(verb.i + 4, sent.end)]):
            return None  # "dry my eyes", "make sure I reach out": the replier's own routine
        if self.scope.is_question(doc, verb.i):
            return None
        end = verb.i + 1
        for child in verb.rights:
            if child.dep_ in _SPAN_STOP_DEPS or self.scope.is_filler(child):
                break
            end = max(end, child.right_edge.i + 1)
        sent_end = sent.end
        for k in range(verb.i + 1, min(end, sent_end)):
            if doc[k].is_punct and any(ch in ".!?;" for ch in doc[k].text):
                end = k
                break
        end = min(end, sent_end)
        while end > verb.i + 1 and (doc[end - 1].is_punct or self.scope.is_tail(doc[end - 1])):
            end -= 1
        return Span(doc, start, end, label=IMPERATIVE_LABEL)
