"""Turn chat messages into (disclosure, reply) pairs, streaming.

1. ``group_turns``: consecutive messages of one sender in one conversation, each less than
   ``turn_gap`` after the previous, form a *turn* (text joined with newlines).
2. The disclosure detector (``analyzer.disclosure``) scores every turn, in batches.
3. ``pair_turns``: a disclosure waits for the next turn by *another* person in the same
   conversation; if that turn starts within ``reply_window`` of the disclosure's end, the two
   form a pair. A reply is itself taken as a new disclosure only when the detector is sure
   (``reply_threshold``): most replies to a disclosure talk about feelings without disclosing.
   Further turns by the discloser before anyone answers are added to the pending
   disclosure ("…and now he won't even call me back"). A disclosure nobody answers in time
   yields nothing. In a group chat the first other speaker is the replier.
   With ``all_turns`` every turn is yielded, with the previous other person's turn (if within
   the window) as its context, and ``paired`` telling whether it answers a disclosure.

Memory is bounded: per conversation, one open turn, one pending disclosure and the last turn.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from itertools import islice
from typing import Protocol

from .chats.message import Message

TURN_GAP = timedelta(minutes=10)
REPLY_WINDOW = timedelta(hours=12)
MAX_TURN_CHARS = 4000
REPLY_THRESHOLD = 0.65


class Detector(Protocol):
    """What pairing needs from a disclosure detector."""

    threshold: float

    def predict_proba(self, texts: Sequence[str]) -> list[float]: ...


@dataclass(frozen=True)
class PairingConfig:
    """Knobs of the pairing rules (defaults suit 1:1 and small group texting)."""

    turn_gap: timedelta = TURN_GAP
    reply_window: timedelta = REPLY_WINDOW
    max_turn_chars: int = MAX_TURN_CHARS
    reply_threshold: float = REPLY_THRESHOLD  # a reply must score this high to count as a disclosure too
    all_turns: bool = False
    batch_size: int = 512


@dataclass
class Turn:
    """Consecutive messages of one sender in one conversation."""

    conversation: str
    sender: str
    start: datetime | None
    end: datetime | None
    text: str
    n_messages: int = 1
    score: float | None = None  # disclosure probability, set by the detector

    def extended(self, other: Turn, max_chars: int) -> Turn:
        """This turn with ``other``'s text appended (same sender)."""
        text = self.text if len(self.text) >= max_chars else (self.text + "\n" + other.text)[:max_chars]
        best = max(s for s in (self.score, other.score, 0.0) if s is not None)
        return replace(self, end=other.end or self.end, text=text, n_messages=self.n_messages + other.n_messages, score=best)


@dataclass(frozen=True)
class Pair:
    """A reply turn and the disclosure (or, with ``all_turns``, the context) it answers."""

    conversation: str
    disclosure: Turn | None
    reply: Turn
    paired: bool = True  # False: an --all row whose context was not a detected disclosure


def _close(a: datetime | None, b: datetime | None, limit: timedelta) -> bool:
    if a is None or b is None:
        return True
    try:
        return b - a <= limit
    except TypeError:  # naive vs aware timestamps in one conversation: cannot tell
        return True


def group_turns(
    items: Iterable[tuple[str, Message]], turn_gap: timedelta = TURN_GAP, max_chars: int = MAX_TURN_CHARS
) -> Iterator[Turn]:
    """Merge consecutive same-sender messages into turns, per conversation, in order."""
    open_turns: dict[str, Turn] = {}
    for conversation, msg in items:
        turn = open_turns.get(conversation)
        if turn is not None and turn.sender == msg.sender and _close(turn.end, msg.time, turn_gap):
            if len(turn.text) < max_chars:
                turn.text = (turn.text + "\n" + msg.text)[:max_chars]
            turn.end = msg.time or turn.end
            turn.n_messages += 1
            continue
        if turn is not None:
            yield turn
        open_turns[conversation] = Turn(conversation, msg.sender, msg.time, msg.time, msg.text[:max_chars])
    yield from open_turns.values()


def score_turns(turns: Iterable[Turn], detector: Detector, batch_size: int = 512) -> Iterator[Turn]:
    """Set ``turn.score`` with the detector, a batch at a time, keeping order."""
    it = iter(turns)
    while batch := list(islice(it, batch_size)):
        for turn, p in zip(batch, detector.predict_proba([t.text for t in batch]), strict=True):
            turn.score = p
            yield turn


@dataclass
class _State:
    pending: Turn | None = None
    last: Turn | None = None


def pair_turns(turns: Iterable[Turn], threshold: float, config: PairingConfig = PairingConfig()) -> Iterator[Pair]:
    """Apply the pairing rules of the module docstring to scored turns."""
    states: dict[str, _State] = {}
    window = config.reply_window
    for turn in turns:
        st = states.setdefault(turn.conversation, _State())
        is_disclosure = turn.score is not None and turn.score >= threshold
        pair: Pair | None = None
        pending = st.pending
        if pending is not None and not _close(pending.end, turn.start, window):
            pending = st.pending = None
        if pending is not None and turn.sender != pending.sender:
            pair = Pair(turn.conversation, pending, turn)
            st.pending = None
            is_disclosure = is_disclosure and turn.score >= max(threshold, config.reply_threshold)  # type: ignore[operator]
        elif pending is not None:
            st.pending = pending.extended(turn, config.max_turn_chars)
            is_disclosure = False  # already pending, now longer
        if config.all_turns:
            if pair is None:
                context = st.last if st.last is not None and st.last.sender != turn.sender else None
                if context is not None and not _close(context.end, turn.start, window):
                    context = None
                pair = Pair(turn.conversation, context, turn, paired=False)
            yield pair
        elif pair is not None:
            yield pair
        if is_disclosure:
            st.pending = turn
        st.last = turn


def iter_pairs(
    items: Iterable[tuple[str, Message]], detector: Detector, config: PairingConfig = PairingConfig()
) -> Iterator[Pair]:
    """Messages (with conversation keys, as ``analyzer.chats.iter_chat`` yields) → pairs."""
    turns = group_turns(items, config.turn_gap, config.max_turn_chars)
    return pair_turns(score_turns(turns, detector, config.batch_size), detector.threshold, config)
