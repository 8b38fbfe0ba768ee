"""Clause, question, negation and reported-speech checks on a parsed Doc, shared by the cues.

The rules read the dependency parse: a cue is not the replier's own act when its predicate
is negated outside the cue ("you don't need to calm down"), when it sits under a negated
saying/thinking verb ("I'm not saying you're overreacting", "I would never tell you to
get over it"), under a saying verb whose subject is someone else ("people who tell you to
get over it"), under "stop"/"don't you dare", or inside double quotes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from analyzer.cue_patterns import CUE_DATA_DIR

SCOPE_FILE = "scope.json"
_SENT_END = frozenset(".!?")
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
_NOMINAL_DEPS = frozenset({"csubj", "csubjpass", "nsubj", "nsubjpass", "pobj", "pcomp", "dobj", "amod", "compound"})
_PREDICATE_DEPS = frozenset({"xcomp", "acomp", "attr", "oprd"})
_INVERTING_AUX = frozenset(
    "do does did are r is can could would will have has should shall may might wanna want "
    "wan need".split()
)
_YOU = frozenset({"you", "u", "ya", "yu"})
_YOU_FORMS = _YOU | {"ur", "youre", "you're", "ure", "yall", "y'all", "yourself", "urself"}
_SELF_FORMS = frozenset({"im", "i'm", "ive", "i've", "id", "i'd", "myself"})
_WH = frozenset({"how", "what", "why", "when", "where", "who", "which", "hows", "whats", "wat"})
_DASHES = frozenset("-\u2013\u2014")
_CC = frozenset({"and", "but", "or", "so", "then", "cuz", "because", "bc", "coz", "plus", "nor"})


@dataclass(frozen=True, slots=True)
class ScopeRules:
    """Word lists for the scope checks (``analyzer/data/cues/scope.json``) plus discourse words."""

    speech_verbs: frozenset[str]
    neg_raising_verbs: frozenset[str]
    weak_scope_verbs: frozenset[str]
    first_person: frozenset[str]
    negators: frozenset[str]
    stop_verbs: frozenset[str]
    wish_verbs: frozenset[str]
    quotes: frozenset[str]
    tail_words: frozenset[str]
    discourse: frozenset[str]

    @classmethod
    def load(cls, discourse: frozenset[str], path: Path | None = None) -> "ScopeRules":
        raw = json.loads((path or CUE_DATA_DIR / SCOPE_FILE).read_text(encoding="utf-8"))
        sets = {key: frozenset(raw[key]) for key in (
            "speech_verbs", "neg_raising_verbs", "weak_scope_verbs", "first_person",
            "negators", "stop_verbs", "wish_verbs", "quotes", "tail_words")}
        return cls(discourse=discourse, **sets)

    # -- token classes -----------------------------------------------------------------
    def is_filler(self, tok: Token) -> bool:
        """Discourse words, interjections, emoji and symbols: skipped at clause edges."""
        return (
            tok.lower_ in self.discourse
            or tok.tag_ == "UH"
            or tok.is_space
            or not any(ch.isalnum() for ch in tok.text)
        ) and not _is_boundary(tok)

    def is_tail(self, tok: Token) -> bool:
        return tok.lower_ in self.tail_words or self.is_filler(tok)

    # -- clause edges ------------------------------------------------------------------
    def clause_initial(self, doc: Doc, start: int) -> bool:
        """True when only discourse words, emoji or a conjunction stand between a clause
        boundary (sentence start, punctuation) and token ``start``."""
        i = start - 1
        while i >= 0:
            tok = doc[i]
            if _is_boundary(tok) or tok.lower_ in _CC:
                return True
            if doc[i + 1].is_sent_start:
                return True
            if not self.is_filler(tok):
                return False
            i -= 1
        return True

    def clause_final(self, doc: Doc, end: int) -> bool:
        """True when only tail words or emoji follow token ``end - 1`` up to a boundary."""
        i = end
        while i < len(doc):
            tok = doc[i]
            if tok.is_sent_start or _is_boundary(tok):
                return True
            if not self.is_tail(tok):
                return False
            i += 1
        return True

    def is_question(self, doc: Doc, start: int) -> bool:
        """Is the clause holding token ``start`` a question? The next sentence-final mark
        decides; without one, an inverted opening ("do you", "r u") or a wh-word does."""
        sent = sentence_of(doc, start)
        for tok in doc[start:sent.end]:
            if tok.i > start and tok.is_sent_start:
                break
            if any(ch in _SENT_END for ch in tok.text) and not any(ch.isalnum() for ch in tok.text):
                if "?" in tok.text:
                    return True
                break
        first = self.first_content(doc, sent.start, start + 1)
        if first is None:
            return False
        nxt = first.nbor(1) if first.i + 1 < len(doc) else None
        if first.lower_ in _INVERTING_AUX and nxt is not None and nxt.lower_ in _YOU:
            return True
        if first.lower_ in _WH and nxt is not None:
            opens_question = nxt.pos_ in {"AUX", "VERB"} or nxt.lower_ in _YOU or nxt.lower_ == "r"
            return opens_question and not doc[start:sent.end].text.rstrip().endswith((".", "!"))
        return False

    def first_content(self, doc: Doc, lo: int, hi: int) -> Token | None:
        for tok in doc[lo:hi]:
            if not self.is_filler(tok) and not _is_boundary(tok):
                return tok
        return None

    # -- negation and scope ------------------------------------------------------------
    def _negated_here(self, tok: Token, span: Span) -> bool:
        for child in tok.children:
            if span.start <= child.i < span.end:
                continue
            if child.dep_ == "neg" or (
                child.lower_ in self.negators and child.dep_ in {"advmod", "nsubj", "nsubjpass", "det", "npadvmod"}
            ):
                return True
        return False

    def chain_negated(self, tok: Token, span: Span) -> bool:
        """Is ``tok`` negated, directly or through the verbs its xcomp chain hangs from?"""
        while True:
            if self._negated_here(tok, span):
                return True
            if tok.dep_ == "xcomp" and tok.head is not tok:
                tok = tok.head
                continue
            return False

    def predicate_negated(self, span: Span) -> bool:
        """Is the predicate the span expresses negated by a word outside it ("you don't
        need to calm down", "it isn't your own fault")?"""
        tok = anchor(span)
        while True:
            if self._negated_here(tok, span):
                return True
            if tok.dep_ in _PREDICATE_DEPS and tok.head is not tok:
                tok = tok.head
                continue
            return False

    def _subject(self, verb: Token) -> Token | None:
        """The subject of ``verb``, inherited through xcomp/conj chains and infinitival
        clauses ("you need to get over it" → you; "it took me a year to get over it" → it)."""
        tok = verb
        for _ in range(4):
            for child in tok.children:
                if child.dep_ in _SUBJECT_DEPS:
                    return child
            infinitival = any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)
            if tok.head is not tok and (tok.dep_ in {"xcomp", "conj"} or (infinitival and tok.dep_ == "advcl")):
                tok = tok.head
            else:
                break
        return None

    def subject_ok(self, span: Span, mode: str) -> bool:
        """``addressee``: the cue's clause has no subject (an instruction) or a "you"
        subject; ``not_self``: its subject is not the replier ("I'm not so bad")."""
        verb = anchor(span)
        if mode == "addressee" and verb.dep_ in _NOMINAL_DEPS:
            return False  # "getting over that fear is hard": a gerund topic, said to no one
        subj = self._subject(verb)
        if subj is None or span.start <= subj.i < span.end:
            return True
        if mode == "addressee":
            return subj.lower_ in _YOU_FORMS or self.is_filler(subj)
        if mode == "not_self":
            return subj.lower_ not in self.first_person and subj.lower_ not in _SELF_FORMS
        raise ValueError(f"unknown subject mode {mode!r}")

    def reported(self, span: Span, keep_neg_raise: bool = False, under_wish: bool = True) -> bool:
        """Is the span said or thought by someone other than the replier, or denied?
        With ``under_wish`` a governing "hope"/"wish" also counts ("I hope it gets better"
        is a wish, not the platitude "it gets better")."""
        if self.in_quotes(span):
            return True
        said = False  # a saying verb lies between the cue and this ancestor
        for anc in anchor(span).ancestors:
            if span.start <= anc.i < span.end:
                continue
            if anc.i > span.start:
                continue  # reporting verbs come first; later ones are mostly misparsed splices
            lemma = anc.lemma_.lower()
            if (said and lemma in self.stop_verbs) or (under_wish and lemma in self.wish_verbs):
                return True  # "stop telling yourself you're overreacting"; "I hope it gets better"
            if lemma not in self.speech_verbs:
                continue
            said = said or lemma not in self.weak_scope_verbs
            if self.chain_negated(anc, span):
                if keep_neg_raise and lemma in self.neg_raising_verbs:
                    continue
                return True
            if lemma in self.weak_scope_verbs:
                continue
            if anc.dep_ in {"relcl", "acl"}:
                return True
            subj = self._subject(anc)
            if subj is not None and subj.lower_ not in self.first_person and not self.is_filler(subj):
                return True
        return False

    def in_relative_clause(self, span: Span) -> bool:
        """Does the span's verb head a relative clause ("friends that you can talk to")?"""
        tok = anchor(span)
        for _ in range(3):
            if tok.dep_ in {"relcl", "acl"}:
                return True
            if tok.dep_ in {"xcomp", "conj", "aux"} and tok.head is not tok:
                tok = tok.head
            else:
                return False
        return False

    def in_quotes(self, span: Span) -> bool:
        sent = sentence_of(span.doc, span.start)
        before = span.doc[sent.start:span.start].text
        straight = before.count('"')
        opened = before.count("\u201c") + before.count("\u00ab")
        closed = before.count("\u201d") + before.count("\u00bb")
        return straight % 2 == 1 or opened > closed


def sentence_of(doc: Doc, i: int) -> Span:
    """The sentence holding token ``i``. (``Token.sent`` scans every sentence of the doc,
    which makes long texts quadratic; this walks only the sentence itself.)"""
    start = i
    while start > 0 and not doc[start].is_sent_start:
        start -= 1
    end = i + 1
    while end < len(doc) and not doc[end].is_sent_start:
        end += 1
    return doc[start:end]


def anchor(span: Span) -> Token:
    """The token a span hangs from: its first verb attached outside the span, else its root.
    (``Span.root`` can pick a misattached object: "get over it" with "it" parsed as the
    subject of the next clause.)"""
    for tok in span:
        if tok.pos_ in {"VERB", "AUX"} and (tok.head is tok or not span.start <= tok.head.i < span.end):
            return tok
    return span.root


def is_boundary(tok: Token) -> bool:
    """Punctuation that separates clauses (public alias used by the imperative detector)."""
    return _is_boundary(tok)


def _is_boundary(tok: Token) -> bool:
    """Punctuation that closes or separates clauses (not apostrophes, hyphens in words)."""
    if tok.is_space:
        return "\n" in tok.text
    if not tok.is_punct:
        return False
    if set(tok.text) <= _DASHES:  # "re-employ" is one word; "ugh - just go" is two clauses
        return tok.i > 0 and bool(tok.doc[tok.i - 1].whitespace_)
    return any(ch in ".,!?;:()[]\u2026/" for ch in tok.text)
