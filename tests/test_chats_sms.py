"""SMS Backup & Restore XML."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.chats import ChatFormatError, detect_format, iter_chat
from analyzer.chats.sms import _SurrogateFixer
from tests.chat_fixtures import input_path

XML = """<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<smses count="5">
  <sms protocol="0" address="+15550001" date="1672567200000" type="1" body="hi &#55357;&#56842; there" contact_name="Ana" />
  <sms protocol="0" address="+15550002" date="1672567260000" type="2" body="other thread" contact_name="Bo" />
  <sms protocol="0" address="+15550001" date="1672567320000" type="2" body="hey Ana" contact_name="Ana" />
  <sms protocol="0" address="+15550001" date="1672567330000" type="3" body="a draft" contact_name="Ana" />
  <mms date="1672567380000" msg_box="1" address="+15550001~+15550003" contact_name="Ana, Cy">
    <parts><part seq="-1" ct="application/smil" text="&lt;smil/&gt;" /><part seq="0" ct="text/plain" text="group hello" /></parts>
    <addrs><addr address="+15550003" type="137" charset="106" /><addr address="+15550001" type="151" charset="106" /></addrs>
  </mms>
</smses>
"""


def test_threads_senders_and_surrogate_emoji(tmp_path: Path) -> None:
    path = tmp_path / "sms-1.xml"
    path.write_text(XML, encoding="utf-8")
    assert detect_format(path) == "sms"
    got = [(c, m.sender, m.text) for c, m in iter_chat(path)]
    assert got == [
        ("+15550001", "Ana", "hi 😊 there"),
        ("+15550002", "Me", "other thread"),
        ("+15550001", "Me", "hey Ana"),
        ("+15550001~+15550003", "+15550003", "group hello"),
    ]


def test_surrogate_fixer_across_chunk_boundaries() -> None:
    import io

    data = b"x" * 10 + b"&#55357;&#56842;" * 50
    for size in (3, 7, 16, 64):
        fixer = io.BufferedReader(_SurrogateFixer(io.BytesIO(data)), buffer_size=size)
        out = fixer.read()
        assert out == b"x" * 10 + b"&#128522;" * 50


def test_fixture_has_two_interleaved_threads() -> None:
    convs = [c for c, _ in iter_chat(input_path("sms"))]
    assert len(set(convs)) == 2 and convs != sorted(convs)


def test_wrong_root_and_broken_xml(tmp_path: Path) -> None:
    path = tmp_path / "a.xml"
    path.write_text("<calls><call/></calls>", encoding="utf-8")
    with pytest.raises(ChatFormatError, match=r"^a.xml: root element is <calls>; expected an SMS Backup"):
        list(iter_chat(path, "sms"))
    path.write_text('<smses><sms body="x" type="1"', encoding="utf-8")
    with pytest.raises(ChatFormatError, match=r"^a.xml: broken XML"):
        list(iter_chat(path, "sms"))


def test_surrogate_fixer_any_chunking() -> None:
    import io
    import random

    rng = random.Random(1)
    pieces = [b"&#55357;&#56842;", b"&amp;", b"abc", b"&#10;", b"&#55357;", b"x&#56842;y", b"&#233;"]
    data = b"".join(rng.choice(pieces) for _ in range(400))
    want = io.BufferedReader(_SurrogateFixer(io.BytesIO(data)), buffer_size=1 << 16).read()
    for size in (1, 2, 5, 9, 13, 31):
        raw = _SurrogateFixer(io.BytesIO(data))
        got = b""
        buf = bytearray(size)
        while n := raw.readinto(buf):
            got += bytes(buf[:n])
        assert got == want
    assert b"&#55357;&#56842;" not in want and b"&#56842;" not in want
