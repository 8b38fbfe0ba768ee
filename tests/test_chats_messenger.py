"""Messenger / Instagram message_N.json: mojibake, newest-first order, parts, skipped items."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyzer.chats import ChatFormatError, collapse_inputs, iter_chat
from analyzer.chats.messenger import conversation_parts, fix_mojibake
from tests.chat_fixtures import expected, input_path


def test_fix_mojibake() -> None:
    assert fix_mojibake("caf\u00c3\u00a9 \u00f0\u009f\u0098\u00a2") == "café 😢"
    assert fix_mojibake("café") == "café"  # already right: left alone
    assert fix_mojibake("plain") == "plain"
    assert fix_mojibake("😢") == "😢"


def test_any_part_reads_the_whole_conversation_oldest_first() -> None:
    part1 = input_path("messenger")
    part2 = part1.with_name("message_2.json")
    assert [p.name for p in conversation_parts(part1)] == ["message_2.json", "message_1.json"]
    rows = [m.text for _, m in iter_chat(part2)]
    assert rows == [r["text"] for r in expected("messenger")]
    times = [m.time for _, m in iter_chat(part1)]
    assert times == sorted(times)


def test_parts_of_one_folder_collapse_to_one_input() -> None:
    part1 = input_path("messenger")
    other = input_path("instagram")
    assert collapse_inputs([part1, part1.with_name("message_2.json"), other]) == [part1, other]


def test_system_unsent_reactions_and_e2ee_layout(tmp_path: Path) -> None:
    moj = lambda s: s.encode("utf-8").decode("latin-1")  # noqa: E731
    doc = {"participants": [{"name": "Ana"}, {"name": "Bo"}], "messages": [
        {"sender_name": "Bo", "timestamp_ms": 5000, "content": moj("Bo reacted ❤ to your message ")},
        {"sender_name": "Bo", "timestamp_ms": 4000, "content": "Bo unsent a message.", "is_unsent": True},
        {"sender_name": "Ana", "timestamp_ms": 3000, "content": "Ana sent an attachment."},
        {"sender_name": "Ana", "timestamp_ms": 2500, "photos": [{"uri": "x.jpg"}]},
        {"sender_name": "Bo", "timestamp_ms": 2000, "content": "Bo started a call.", "type": "Call"},
        {"sender_name": moj("Inês"), "timestamp_ms": 1000, "content": moj("olá 😊")},
    ]}
    path = tmp_path / "message_1.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert [(m.sender, m.text) for _, m in iter_chat(path, "messenger")] == [("Inês", "olá 😊")]
    e2ee = {"participants": ["Ana", "Bo"], "threadName": "Ana", "messages": [
        {"isUnsent": False, "media": [], "reactions": [], "senderName": "Ana", "text": "first", "timestamp": 1000, "type": "text"},
        {"isUnsent": False, "media": [], "reactions": [], "senderName": "Bo", "text": "second", "timestamp": 2000, "type": "text"},
    ]}
    path.write_text(json.dumps(e2ee), encoding="utf-8")
    assert [m.text for _, m in iter_chat(path)] == ["first", "second"]


def test_broken_part_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "message_1.json"
    path.write_text('{"participants": [], "messages": [', encoding="utf-8")
    with pytest.raises(ChatFormatError, match=r"^message_1.json: broken JSON"):
        list(iter_chat(path, "messenger"))


def test_agrees_with_chat_miner() -> None:
    import logging

    chatparsers = pytest.importorskip("chatminer.chatparsers")
    logging.disable(logging.CRITICAL)
    try:
        for name in ("messenger", "instagram"):
            theirs = set()
            for part in conversation_parts(input_path(name)):
                parser = chatparsers.FacebookMessengerParser(str(part))
                parser.parse_file()
                theirs |= {(r.author, r.message) for r in parser.parsed_messages.get_df(as_pandas=True).itertuples()}
            ours = [(m.sender, m.text) for _, m in iter_chat(input_path(name))]
            assert ours and all(o in theirs for o in ours)
    finally:
        logging.disable(logging.NOTSET)
