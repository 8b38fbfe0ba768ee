"""Cue extraction: labelled spans of a reply that show what it does ("just tell him" →
advice-giving/imperative, "at least" → invalidating/at-least, "that sounds so hard" →
validating/feeling-reflection).

Patterns are data (``analyzer/data/cues/*.jsonl``, compiled by ``analyzer.cue_patterns``);
matching uses one spaCy ``Matcher`` and one ``DependencyMatcher`` built at load time, plus
the imperative detector. Matches are then filtered (clause position, questions, negation
and reported speech, see ``analyzer.cue_scope``) and overlaps are resolved: a specific cue
beats the generic imperative, then the longer span wins, then the earlier one.

Usage::

    extractor = CueExtractor.load()          # or CueExtractor.load(nlp)
    cues = extractor.extract(doc)            # doc parsed by analyzer.nlp.load_nlp()
    cues = extractor("just tell him lol")    # parse + extract
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc

from analyzer.cue_patterns import CUE_DATA_DIR, CuePattern, Lexicon, load_cue_patterns
from analyzer.cue_scope import ScopeRules, sentence_of
from analyzer.cue_span import Cue
from analyzer.imperative import ImperativeDetector, ImperativeRules
from analyzer.labels import check_label

IMPERATIVE_CUE = "imperative"
IMPERATIVE_CUE_LABEL = "advice-giving"
_JOINERS = frozenset({"and", "then", "&", "n", "an", "+"})


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int  # token indices, end exclusive
    end: int
    cue: str
    label: str
    priority: int
    block: bool = False


class CueExtractor:
    """Finds cues in parsed replies. Build once with :meth:`load`; thread-safe for reading."""

    def __init__(self, nlp: Language, patterns: list[CuePattern], scope: ScopeRules,
                 imperatives: ImperativeDetector) -> None:
        self.nlp = nlp
        self.patterns = {p.key: p for p in patterns}
        self.scope = scope
        self.imperatives = imperatives
        self.matcher = Matcher(nlp.vocab, validate=True)
        self.dep_matcher = DependencyMatcher(nlp.vocab, validate=True)
        for p in patterns:
            if p.patterns:
                self.matcher.add(p.key, p.patterns)
            elif p.dep_pattern:
                self.dep_matcher.add(p.key, [p.dep_pattern])
        self._has_dep = len(self.dep_matcher) > 0

    @classmethod
    def load(cls, nlp: Language | None = None, data_dir: Path | None = None) -> "CueExtractor":
        """Compile the pattern files; ``nlp`` defaults to ``analyzer.nlp.load_nlp()``."""
        if nlp is None:
            from analyzer.nlp import load_nlp

            nlp = load_nlp()
        data_dir = data_dir or CUE_DATA_DIR
        lexicon = Lexicon.load(data_dir / "lexicon.json")
        scope = ScopeRules.load(frozenset(lexicon.word_set("discourse")), data_dir / "scope.json")
        imperatives = ImperativeDetector(ImperativeRules.load(data_dir / "imperative.json"), scope)
        return cls(nlp, load_cue_patterns(data_dir, lexicon), scope, imperatives)

    @property
    def cue_names(self) -> dict[str, str]:
        """Every cue name this extractor can emit, mapped to its label."""
        names = {p.cue: p.label for p in self.patterns.values() if not p.block}
        names[IMPERATIVE_CUE] = IMPERATIVE_CUE_LABEL
        return dict(sorted(names.items(), key=lambda kv: (kv[1], kv[0])))

    def __call__(self, text: str) -> list[Cue]:
        """Parse ``text`` with the shared pipeline and return its cues."""
        return self.extract(self.nlp(text))

    def extract(self, doc: Doc) -> list[Cue]:
        """Cues of a parsed reply, sorted by start, without overlaps."""
        if not len(doc):
            return []
        candidates = self._pattern_candidates(doc)
        candidates.extend(self._imperative_candidates(doc))
        chosen = _merge_touching(doc, _resolve(candidates))
        text = doc.text
        out = []
        for cand in chosen:
            start_char = doc[cand.start].idx
            end_char = doc[cand.end - 1].idx + len(doc[cand.end - 1])
            out.append(Cue(text[start_char:end_char], start_char, end_char, cand.label, cand.cue))
        return out

    # -----------------------------------------------------------------------------------
    def _raw_matches(self, doc: Doc) -> list[tuple[str, int, int]]:
        strings = self.nlp.vocab.strings
        found = [(strings[key], start, end) for key, start, end in self.matcher(doc)]
        if self._has_dep:
            for key, token_ids in self.dep_matcher(doc):
                found.append((strings[key], min(token_ids), max(token_ids) + 1))
        return found

    def _pattern_candidates(self, doc: Doc) -> list[_Candidate]:
        out: list[_Candidate] = []
        seen: set[tuple[str, int, int]] = set()
        for key, start, end in self._raw_matches(doc):
            start, end = self._trim(doc, start, end)
            if start >= end or (key, start, end) in seen:
                continue
            seen.add((key, start, end))
            pattern = self.patterns[key]
            if self._accept(doc, pattern, start, end):
                out.append(_Candidate(start, end, pattern.cue, pattern.label, pattern.priority, pattern.block))
        return out

    def _imperative_candidates(self, doc: Doc) -> list[_Candidate]:
        out = []
        for span in self.imperatives(doc):
            if self.scope.reported(span):
                continue
            out.append(_Candidate(span.start, span.end, IMPERATIVE_CUE, IMPERATIVE_CUE_LABEL, 0))
        return out

    def _trim(self, doc: Doc, start: int, end: int) -> tuple[int, int]:
        while start < end and (doc[start].is_punct or doc[start].is_space):
            start += 1
        while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
            end -= 1
        return start, end

    def _accept(self, doc: Doc, p: CuePattern, start: int, end: int) -> bool:
        scope = self.scope
        if p.initial and not scope.clause_initial(doc, start):
            return False
        if p.end and not scope.clause_final(doc, end):
            return False
        if p.not_after and start > 0 and doc[start - 1].lower_ in p.not_after:
            return False
        if p.not_before and end < len(doc) and doc[end].lower_ in p.not_before:
            return False
        if p.needs_word and not any(t.lower_ in p.needs_word for t in sentence_of(doc, start)):
            return False
        if p.question is not None and scope.is_question(doc, start) != p.question:
            return False
        span = doc[start:end]
        if p.subject and not scope.subject_ok(span, p.subject):
            return False
        if p.no_relcl and scope.in_relative_clause(span):
            return False
        if p.negation and scope.predicate_negated(span):
            return False
        if p.scope and scope.reported(span, keep_neg_raise=p.neg_raise, under_wish=p.label != "validating"):
            return False
        return True


def _merge_touching(doc: Doc, chosen: list[_Candidate]) -> list[_Candidate]:
    """Join consecutive spans of the same cue inside one sentence that touch or are joined
    by "and"/"then" ("let me know if" + "you need anything"; "pack a bag" + "and" + "come")."""
    out: list[_Candidate] = []
    for cand in chosen:
        prev = out[-1] if out else None
        touching = prev is not None and (
            cand.start == prev.end
            or (cand.start == prev.end + 1 and doc[prev.end].lower_ in _JOINERS)
        )
        if prev is not None and touching and prev.cue == cand.cue and not doc[cand.start].is_sent_start:
            out[-1] = _Candidate(prev.start, cand.end, prev.cue, prev.label, max(prev.priority, cand.priority))
        else:
            out.append(cand)
    return out


def _resolve(candidates: list[_Candidate]) -> list[_Candidate]:
    """Keep non-overlapping candidates: higher priority, then longer, then earlier first.
    Blockers take part (they claim their tokens) but are not returned."""
    ranked = sorted(candidates, key=lambda c: (-c.priority, -(c.end - c.start), c.start, c.cue))
    taken: list[_Candidate] = []
    used: set[int] = set()
    for cand in ranked:
        if any(i in used for i in range(cand.start, cand.end)):
            continue
        used.update(range(cand.start, cand.end))
        if not cand.block:
            check_label(cand.label)
            taken.append(cand)
    return sorted(taken, key=lambda c: c.start)
