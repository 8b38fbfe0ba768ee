"""The streaming JSON walker against the stdlib parser, with tiny read chunks."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.chats import jsonstream
from analyzer.chats.jsonstream import ENTER, JSONStreamError, walk

scalars = st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False, allow_infinity=False) \
    | st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
                      max_leaves=12)


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(jsonstream, "_CHUNK", 5)


@settings(max_examples=150, deadline=None)
@given(before=values, items=st.lists(values, max_size=6), after=values, indent=st.sampled_from([None, 0, 1, 2]))
def test_items_match_the_stdlib(before, items, after, indent) -> None:
    doc = {"before": before, "messages": items, "after": after}
    text = json.dumps(doc, indent=indent, ensure_ascii=False)
    got = [v for path, v in walk(io.StringIO(text), ("messages", "*")) if len(path) == 2 and path[0] == "messages"]
    assert got == json.loads(text)["messages"]


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=60))
def test_garbage_raises_only_jsonstreamerror(text) -> None:
    try:
        list(walk(io.StringIO(text), ("messages", "*")))
    except JSONStreamError:
        pass


def test_scalars_on_the_way_and_enter_markers() -> None:
    text = json.dumps({"chats": {"list": [{"name": "A", "messages": [1, 2]}, {"name": "B", "messages": []}]}})
    events = list(walk(io.StringIO(text), ("chats", "list", "*", "messages", "*")))
    assert (("chats", "list", 0, "name"), "A") in events
    assert (("chats", "list", 1, "messages"), ENTER) in events
    assert [v for p, v in events if len(p) == 5] == [1, 2]


def test_deep_nesting_and_trailing_data() -> None:
    deep = '{"messages": [' + "[" * 100_000 + "]" * 100_000 + "]}"
    with pytest.raises(JSONStreamError):
        list(walk(io.StringIO(deep), ("messages", "*")))
    with pytest.raises(JSONStreamError, match="unexpected data after the JSON value"):
        list(walk(io.StringIO('{"messages": []} {}'), ("messages", "*")))
