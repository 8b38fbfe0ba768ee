"""Load cue pattern files (``analyzer/data/cues/*.jsonl``) and compile them to spaCy patterns.

Each line of a pattern file is one JSON object::

    {"cue": "modal-obligation", "label": "advice-giving",
     "pattern": ["@you", "@adv*", "@should", "@not?"], ...options}

``pattern`` is a spaCy ``Matcher`` token pattern in which, besides ordinary token dicts,
a token may be written as a compact string (macros come from ``lexicon.json``):

==================  ==============================================================
``word``            ``{"LOWER": "word"}``
``a|b|c``           ``{"LOWER": {"IN": ["a", "b", "c"]}}``
``@name``           ``{"LOWER": {"IN": lexicon.words[name]}}``
``&name``           any one of the token sequences ``lexicon.phrases[name]``
``~lemma`` / ``~a|b``  ``{"LEMMA": ...}``
``<POS>`` / ``<A|B>``  ``{"POS": ...}``;  ``[TAG]`` / ``[A|B]``: ``{"TAG": ...}``
==================  ==============================================================

A trailing ``?``, ``*`` or ``+`` sets ``OP`` (``&name?`` makes a phrase optional).
Inside token dicts a value ``"@name"`` (or ``{"IN": "@name"}``) expands to the word set.
Instead of ``pattern`` a line may give ``dep_pattern``: a ``DependencyMatcher`` pattern
whose ``RIGHT_ATTRS`` accept the same ``@name`` values.

Options (all optional): ``initial`` (the match must open a clause, after discourse
words), ``end`` (the match must close a clause), ``question`` (true: only in a question;
false: never in one), ``not_after`` / ``not_before`` (lowercase words that must not
precede / follow the match; ``@name`` allowed), ``needs_word`` (a word that must occur in
the same sentence), ``scope`` (default true: drop the match in reported speech or under a
negated saying verb), ``negation`` (default true: drop it when its predicate is negated
outside the match), ``neg_raise`` (default false: keep it under negated think/believe,
e.g. "I don't think you should"), ``subject`` ("addressee": the clause must have no
subject or a "you" subject, so "it took me a year to get over it" is not get-over-it;
"not_self": its subject must not be the replier), ``no_relcl`` (drop the match
inside a relative clause: "a place you can take them"), ``block`` (a blocker: a phrase
that is no cue but must stop cues overlapping it, e.g. "you should be able to"; it needs
no label and wins overlaps by its priority, default 3), ``priority`` (default 1; the generic imperative is 0).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from analyzer.labels import check_label

CUE_DATA_DIR = Path(__file__).parent / "data" / "cues"
LEXICON_FILE = "lexicon.json"
_OPS = "?*+"
_MAX_EXPANSIONS = 2000


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Word sets and phrase alternatives that pattern files refer to by name."""

    words: dict[str, list[str]]
    phrases: dict[str, list[list[Any]]]

    @classmethod
    def load(cls, path: Path | None = None) -> "Lexicon":
        """Read ``lexicon.json`` and add final-letter elongations ("sooo", "sorryyy")."""
        path = path or CUE_DATA_DIR / LEXICON_FILE
        raw = json.loads(path.read_text(encoding="utf-8"))
        words = {name: _with_elongations(values) for name, values in raw["words"].items()}
        return cls(words=words, phrases=raw.get("phrases", {}))

    def word_set(self, name: str) -> list[str]:
        try:
            return self.words[name]
        except KeyError:
            raise ValueError(f"unknown word set @{name} in cue patterns") from None


def _with_elongations(values: list[str], extra: int = 4) -> list[str]:
    out: list[str] = []
    for word in values:
        word = word.lower()
        out.append(word)
        if word.isalpha() and len(word) >= 2:
            out.extend(word + word[-1] * k for k in range(1, extra + 1))
    return list(dict.fromkeys(out))


@dataclass(frozen=True, slots=True)
class CuePattern:
    """One line of a pattern file, compiled: spaCy patterns plus the filtering options."""

    key: str
    cue: str
    label: str
    patterns: list[list[dict[str, Any]]] = field(default_factory=list)
    dep_pattern: list[dict[str, Any]] | None = None
    initial: bool = False
    end: bool = False
    question: bool | None = None
    not_after: frozenset[str] = frozenset()
    not_before: frozenset[str] = frozenset()
    needs_word: frozenset[str] = frozenset()
    scope: bool = True
    negation: bool = True
    neg_raise: bool = False
    subject: str | None = None
    no_relcl: bool = False
    block: bool = False
    priority: int = 1
    source: str = ""


def _split_op(spec: str) -> tuple[str, str | None]:
    if len(spec) > 1 and spec[-1] in _OPS:
        return spec[:-1], spec[-1]
    return spec, None


def _values(body: str, lexicon: Lexicon) -> list[str]:
    values: list[str] = []
    for part in body.split("|"):
        values.extend(lexicon.word_set(part[1:]) if part.startswith("@") else [part.lower()])
    return values


def _attr(body: str, lexicon: Lexicon, attr: str, lower: bool = True) -> dict[str, Any]:
    values = _values(body, lexicon) if lower else body.split("|")
    return {attr: values[0] if len(values) == 1 else {"IN": values}}


def _expand_dict(token: dict[str, Any], lexicon: Lexicon) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in token.items():
        if isinstance(value, str) and value.startswith("@") and key != "OP":
            out[key] = {"IN": lexicon.word_set(value[1:])}
        elif isinstance(value, dict):
            out[key] = {
                k: (_values(v, lexicon) if isinstance(v, str) and k in ("IN", "NOT_IN") else v)
                for k, v in value.items()
            }
        else:
            out[key] = value
    return out


def expand_token(spec: Any, lexicon: Lexicon) -> list[list[dict[str, Any]]]:
    """Return the alternatives (each a token sequence) that one compact token stands for."""
    if isinstance(spec, dict):
        return [[_expand_dict(spec, lexicon)]]
    if not isinstance(spec, str) or not spec:
        raise ValueError(f"bad token spec {spec!r}")
    body, op = _split_op(spec)
    if body.startswith("&"):
        try:
            alternatives = lexicon.phrases[body[1:]]
        except KeyError:
            raise ValueError(f"unknown phrase &{body[1:]} in cue patterns") from None
        if op not in (None, "?"):
            raise ValueError(f"phrase macros only take '?': {spec!r}")
        out = [seq for alt in alternatives for seq in expand_sequence(alt, lexicon, merge=False)]
        return out + [[]] if op == "?" else out
    if body.startswith("~"):
        token = _attr(body[1:], lexicon, "LEMMA")
    elif body.startswith("<") and body.endswith(">"):
        token = _attr(body[1:-1], lexicon, "POS", lower=False)
    elif body.startswith("[") and body.endswith("]") and len(body) > 2:
        token = _attr(body[1:-1], lexicon, "TAG", lower=False)
    else:
        token = _attr(body, lexicon, "LOWER")
    if op:
        token["OP"] = op
    return [[token]]


def expand_sequence(specs: list[Any], lexicon: Lexicon, merge: bool = True) -> list[list[dict[str, Any]]]:
    """Expand a compact pattern into the list of plain spaCy Matcher patterns it denotes
    (merged with :func:`merge_patterns` unless ``merge`` is false)."""
    choices = [expand_token(spec, lexicon) for spec in specs]
    size = 1
    for choice in choices:
        size *= len(choice)
    if size > _MAX_EXPANSIONS:
        raise ValueError(f"pattern expands to {size} alternatives (> {_MAX_EXPANSIONS}): {specs!r}")
    seen: set[tuple[str, ...]] = set()
    out: list[list[dict[str, Any]]] = []
    keys = _TokenKeys()
    for combo in itertools.product(*choices):
        pattern = [token for seq in combo for token in seq]
        key = tuple(keys(token) for token in pattern)
        if pattern and key not in seen:
            seen.add(key)
            out.append(pattern)
    return merge_patterns(out) if merge else out


class _TokenKeys:
    """Canonical JSON of token dicts, memoised by identity (expansions share token objects)."""

    def __init__(self) -> None:
        self._memo: dict[int, tuple[dict[str, Any], str]] = {}

    def __call__(self, token: dict[str, Any]) -> str:
        hit = self._memo.get(id(token))
        if hit is None:
            hit = (token, json.dumps(token, sort_keys=True))
            self._memo[id(token)] = hit
        return hit[1]


def _lower_values(token: dict[str, Any]) -> list[str] | None:
    """The LOWER values of a token that tests nothing but LOWER (and maybe OP)."""
    if set(token) - {"LOWER", "OP"}:
        return None
    value = token.get("LOWER")
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and set(value) == {"IN"}:
        return list(value["IN"])
    return None


def merge_patterns(patterns: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """Losslessly merge patterns that differ only in the LOWER set of one token
    (["it", "'s"] + ["that", "'s"] → [it|that, 's]); fewer patterns match faster."""
    if len(patterns) < 2:
        return patterns
    keys = _TokenKeys()
    changed = True
    while changed:
        changed = False
        for i in range(max((len(p) for p in patterns), default=0)):
            groups: dict[tuple[str, ...], list[list[dict[str, Any]]]] = {}
            order: list[tuple[str, ...]] = []
            for pattern in patterns:
                values = _lower_values(pattern[i]) if i < len(pattern) else None
                if values is None:
                    key = ("\0",) + tuple(keys(t) for t in pattern)
                else:
                    rest = [keys(t) for t in pattern]
                    rest[i] = "OP=" + str(pattern[i].get("OP"))
                    key = (str(len(pattern)),) + tuple(rest)
                if key not in groups:
                    groups[key] = []
                    order.append(key)
                groups[key].append(pattern)
            merged: list[list[dict[str, Any]]] = []
            for key in order:
                group = groups[key]
                if len(group) == 1 or key[0] == "\0":
                    merged.extend(group)
                    continue
                values = list(dict.fromkeys(v for p in group for v in _lower_values(p[i]) or []))
                token: dict[str, Any] = {"LOWER": {"IN": values}}
                if "OP" in group[0][i]:
                    token["OP"] = group[0][i]["OP"]
                merged.append(group[0][:i] + [token] + group[0][i + 1:])
                changed = True
            patterns = merged
    return patterns


def _word_option(value: Any, lexicon: Lexicon) -> frozenset[str]:
    if not value:
        return frozenset()
    items = value if isinstance(value, list) else [value]
    return frozenset(v for item in items for v in _values(item, lexicon))


def _subject_mode(value: Any, source: str) -> str | None:
    if value not in (None, "addressee", "not_self"):
        raise ValueError(f"{source}: subject must be 'addressee' or 'not_self', not {value!r}")
    return value


def compile_line(obj: dict[str, Any], lexicon: Lexicon, key: str, source: str = "") -> CuePattern:
    """Compile one pattern-file object into a CuePattern (validates label and fields)."""
    block = bool(obj.get("block", False))
    try:
        cue = obj["cue"]
        label = obj.get("label", "") if block else check_label(obj["label"])
    except KeyError as err:
        raise ValueError(f"{source}: pattern needs 'cue' and 'label'") from err
    patterns: list[list[dict[str, Any]]] = []
    dep_pattern = None
    if "pattern" in obj:
        try:
            patterns = expand_sequence(obj["pattern"], lexicon)
        except ValueError as err:
            raise ValueError(f"{source}: {err}") from None
    elif "dep_pattern" in obj:
        dep_pattern = [
            {**node, "RIGHT_ATTRS": _expand_dict(node.get("RIGHT_ATTRS", {}), lexicon)}
            for node in obj["dep_pattern"]
        ]
    else:
        raise ValueError(f"{source}: pattern for {cue!r} has neither 'pattern' nor 'dep_pattern'")
    return CuePattern(
        key=key,
        cue=cue,
        label=label,
        patterns=patterns,
        dep_pattern=dep_pattern,
        initial=bool(obj.get("initial", False)),
        end=bool(obj.get("end", False)),
        question=obj.get("question"),
        not_after=_word_option(obj.get("not_after"), lexicon),
        not_before=_word_option(obj.get("not_before"), lexicon),
        needs_word=_word_option(obj.get("needs_word"), lexicon),
        scope=bool(obj.get("scope", True)),
        negation=bool(obj.get("negation", True)),
        neg_raise=bool(obj.get("neg_raise", False)),
        subject=_subject_mode(obj.get("subject"), source),
        no_relcl=bool(obj.get("no_relcl", False)),
        block=block,
        priority=int(obj.get("priority", 3 if block else 1)),
        source=source,
    )


def load_cue_patterns(directory: Path | None = None, lexicon: Lexicon | None = None) -> list[CuePattern]:
    """Compile every ``*.jsonl`` pattern file in ``directory`` (sorted by file name)."""
    directory = directory or CUE_DATA_DIR
    lexicon = lexicon or Lexicon.load(directory / LEXICON_FILE)
    compiled: list[CuePattern] = []
    for path in sorted(directory.glob("*.jsonl")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            source = f"{path.name}:{lineno}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                raise ValueError(f"{source}: {err}") from err
            compiled.append(compile_line(obj, lexicon, key=f"cue{len(compiled)}", source=source))
    return compiled
