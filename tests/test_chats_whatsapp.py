"""WhatsApp .txt reader: layouts, clocks, date orders, marks, system/media lines, streaming."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from analyzer.chats import ChatFormatError, read_chat
from analyzer.chats.whatsapp import DateOrder, infer_date_order, read_whatsapp

LRM, NNBSP, NBSP = "\u200e", "\u202f", "\u00a0"


def write(tmp_path: Path, text: str, name: str = "chat.txt", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def one(tmp_path: Path, line: str) -> tuple[str, datetime | None, str]:
    msgs = list(read_chat(write(tmp_path, line + "\n"), "whatsapp"))
    assert len(msgs) == 1, msgs
    return msgs[0].sender, msgs[0].time, msgs[0].text


@pytest.mark.parametrize(
    ("line", "when"),
    [
        (f"12/31/23, 9:41{NNBSP}PM - Ana: hi", datetime(2023, 12, 31, 21, 41)),  # Android US, new narrow space
        ("12/31/23, 9:41 PM - Ana: hi", datetime(2023, 12, 31, 21, 41)),  # Android US, older plain space
        ("12/31/23, 12:05 AM - Ana: hi", datetime(2023, 12, 31, 0, 5)),  # 12 AM is midnight
        ("31/12/2023, 21:41 - Ana: hi", datetime(2023, 12, 31, 21, 41)),  # Android UK 24h
        ("31/12/2023 21:41 - Ana: hi", datetime(2023, 12, 31, 21, 41)),  # no comma
        ("31.12.23, 21:41 - Ana: hi", datetime(2023, 12, 31, 21, 41)),  # German, dotted, 2-digit year
        ("31-12-2023 21:41 - Ana: hi", datetime(2023, 12, 31, 21, 41)),  # Dutch, dashed
        ("2023-12-31, 21:41 - Ana: hi", datetime(2023, 12, 31, 21, 41)),  # year first
        (f"31/12/2023, 9:41{NBSP}p.{NBSP}m. - Ana: hi", datetime(2023, 12, 31, 21, 41)),  # Spanish p. m.
        ("31/12/2023, 9:41 a.m. - Ana: hi", datetime(2023, 12, 31, 9, 41)),  # a.m.
        (f"31/12/23, 9:41{NNBSP}pm - Ana: hi", datetime(2023, 12, 31, 21, 41)),  # lower-case pm
        ("[31/12/2023, 21:41:07] Ana: hi", datetime(2023, 12, 31, 21, 41, 7)),  # iOS 24h
        (f"[12/31/23, 9:41:07{NNBSP}PM] Ana: hi", datetime(2023, 12, 31, 21, 41, 7)),  # iOS US
        (f"{LRM}[31.12.23, 21:41:07] Ana: hi", datetime(2023, 12, 31, 21, 41, 7)),  # iOS with a leading mark
        ("[31/12/2023 21:41:07] Ana: hi", datetime(2023, 12, 31, 21, 41, 7)),  # iOS without comma
    ],
)
def test_header_variants(tmp_path: Path, line: str, when: datetime) -> None:
    assert one(tmp_path, line) == ("Ana", when, "hi")


def test_bom_and_crlf(tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeff31/12/2023, 21:41 - Ana: hi\r\n31/12/2023, 21:42 - Bo: hey\r\n")
    assert [(m.sender, m.text) for m in read_chat(path)] == [("Ana", "hi"), ("Bo", "hey")]


def test_utf16_export(tmp_path: Path) -> None:
    path = write(tmp_path, "31/12/2023, 21:41 - Ana: olá 😊\n", encoding="utf-16")
    assert [m.text for m in read_chat(path)] == ["olá 😊"]


def test_cp1252_export_is_decoded(tmp_path: Path) -> None:
    path = write(tmp_path, "31/12/2023, 21:41 - Ana: café au lait\n", encoding="cp1252")
    assert [m.text for m in read_chat(path)] == ["café au lait"]


def test_broken_utf8_further_down_is_refused_cleanly(tmp_path: Path) -> None:
    good = "".join(f"31/12/2023, 21:{i % 60:02d} - Ana: line {i}\n" for i in range(5000)).encode()
    path = tmp_path / "chat.txt"
    path.write_bytes(good + b"31/12/2023, 22:00 - Ana: bad \xff\xfe byte\n")
    with pytest.raises(ChatFormatError, match=r"chat.txt: line 5001 is not valid utf-8 text"):
        list(read_chat(path, "whatsapp"))


def test_day_first_inferred_from_a_day_over_12(tmp_path: Path) -> None:
    text = "01/02/23, 10:00 - Ana: a\n13/02/23, 10:00 - Ana: b\n"
    assert infer_date_order(write(tmp_path, text)) == DateOrder(year_first=False, day_first=True)
    assert [m.time for m in read_chat(tmp_path / "chat.txt")] == [datetime(2023, 2, 1, 10), datetime(2023, 2, 13, 10)]


def test_month_first_inferred_from_a_second_field_over_12(tmp_path: Path) -> None:
    text = "01/02/23, 10:00 AM - Ana: a\n02/13/23, 10:00 AM - Ana: b\n"
    assert [m.time for m in read_chat(write(tmp_path, text))] == [datetime(2023, 1, 2, 10), datetime(2023, 2, 13, 10)]


def test_ambiguous_dates_follow_chronology(tmp_path: Path) -> None:
    # Every field <= 12. Read day-first the dates go 5 Jan, 1 Feb, 5 Feb (in order);
    # month-first they would go 1 May, 2 Jan, 2 May (out of order). Day-first wins.
    text = "05/01/23, 10:00 - Ana: a\n01/02/23, 10:00 - Bo: b\n05/02/23, 10:00 - Ana: c\n"
    assert infer_date_order(write(tmp_path, text)).day_first is True
    text = "01/05/23, 10:00 - Ana: a\n02/01/23, 10:00 - Bo: b\n02/05/23, 10:00 - Ana: c\n"
    assert infer_date_order(write(tmp_path, text, "b.txt")).day_first is False


def test_ambiguous_and_unordered_falls_back_on_the_clock(tmp_path: Path) -> None:
    assert infer_date_order(write(tmp_path, "01/02/23, 10:00 AM - Ana: a\n", "us.txt")).day_first is False
    assert infer_date_order(write(tmp_path, "01/02/23, 10:00 - Ana: a\n", "eu.txt")).day_first is True


def test_multiline_system_media_deleted_edited(tmp_path: Path) -> None:
    text = "\n".join([
        "31/12/2023, 21:00 - Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn more.",
        '31/12/2023, 21:01 - Ana created group "Plans: June"',
        '31/12/2023, 21:01 - Ana changed the subject from "Plans: June" to "Plans: July"',
        "31/12/2023, 21:02 - Ana added Bo",
        "31/12/2023, 21:03 - Ana: first line",
        "second line",
        "",
        "third line after a blank",
        "31/12/2023, 21:04 - Bo: <Media omitted>",
        "31/12/2023, 21:05 - Bo: IMG-20231231-WA0001.jpg (file attached)",
        "look at this",
        "31/12/2023, 21:06 - Ana: This message was deleted",
        "31/12/2023, 21:07 - Bo: You deleted this message",
        "31/12/2023, 21:08 - Ana: fixed typo <This message was edited>",
        "31/12/2023, 21:09 - Bo: I added salt: it helped",
        "31/12/2023, 21:10 - Bo left",
        "31/12/2023, 21:11 - ~\u202fCleo: hi from an unsaved number",
    ])
    msgs = list(read_chat(write(tmp_path, text + "\n"), "whatsapp"))
    assert [(m.sender, m.text) for m in msgs] == [
        ("Ana", "first line\nsecond line\n\nthird line after a blank"),
        ("Bo", "look at this"),
        ("Ana", "fixed typo"),
        ("Bo", "I added salt: it helped"),
        ("Cleo", "hi from an unsaved number"),
    ]


def test_ios_marks_system_media_and_deletions(tmp_path: Path) -> None:
    text = "\n".join([
        f"[31/12/2023, 21:00:00] Flat: {LRM}Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.",
        f"[31/12/2023, 21:00:05] Flat: {LRM}Ana added Bo",
        f"{LRM}[31/12/2023, 21:01:00] Ana: {LRM}image omitted",
        f"{LRM}[31/12/2023, 21:01:30] Ana: {LRM}<attached: 00000012-PHOTO-2023-12-31-21-01-30.jpg>",
        f"[31/12/2023, 21:02:00] Bo: {LRM}This message was deleted.",
        f"[31/12/2023, 21:03:00] Bo: so sorry {LRM}<This message was edited>",
        f"{LRM}[31/12/2023, 21:04:00] Ana: {LRM}sticker omitted",
        "[31/12/2023, 21:05:00] Ana: ok",
    ])
    msgs = list(read_chat(write(tmp_path, text + "\n", "_chat.txt")))
    assert [(m.sender, m.text) for m in msgs] == [("Bo", "so sorry"), ("Ana", "ok")]


def test_reading_streams(tmp_path: Path) -> None:
    """The first message comes out long before the file has been read (no whole-file load)."""
    lines = [f"31/12/2023, 21:{i % 60:02d} - {'Ana' if i % 2 else 'Bo'}: message number {i}\n" for i in range(60_000)]
    path = write(tmp_path, "13/01/2023, 10:00 - Ana: start\n" + "".join(lines))
    size = path.stat().st_size
    read: list[int] = []
    it = read_whatsapp(path, progress=read.append)
    first = next(it)
    assert first[1].text == "start"
    assert sum(read) < size / 4
    assert sum(1 for _ in it) == 60_000


def test_no_message_lines_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ChatFormatError, match=r"^notes.txt: no WhatsApp message lines found; expected"):
        list(read_chat(write(tmp_path, "just some notes\nnothing else\n", "notes.txt"), "whatsapp"))


def test_agrees_with_chat_miner() -> None:
    """chat-miner (MIT) as an oracle on every WhatsApp fixture: same authors, times and texts.

    chat-miner joins multi-line messages with spaces, keeps media placeholders and edit
    markers, and NFKC-normalises; we compare modulo those differences, requiring each of our
    messages to be one of its.
    """
    import logging
    import unicodedata

    from tests.chat_fixtures import input_path, manifest

    chatparsers = pytest.importorskip("chatminer.chatparsers")

    def norm(text: str) -> str:
        text = unicodedata.normalize("NFKC", text).replace("<This message was edited>", "")
        return " ".join(text.split())

    logging.disable(logging.CRITICAL)
    try:
        for item in (i for i in manifest() if i["format"] == "whatsapp"):
            parser = chatparsers.WhatsAppParser(str(input_path(item["name"])))
            parser.parse_file()
            df = parser.parsed_messages.get_df(as_pandas=True)
            theirs = {(norm(r.author), r.timestamp.replace(tzinfo=None), norm(r.message)) for r in df.itertuples()}
            ours = [(norm(m.sender), m.time, norm(m.text)) for m in read_chat(input_path(item["name"]))]
            missing = [o for o in ours if o not in theirs]
            assert ours and not missing, (item["name"], missing[:3])
    finally:
        logging.disable(logging.NOTSET)
