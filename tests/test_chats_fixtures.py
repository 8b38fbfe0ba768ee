"""Every chat fixture is detected as its format and read back exactly as its script says."""

from __future__ import annotations

import pytest

from analyzer.chats import detect_format, iter_chat, read_chat
from tests.chat_fixtures import as_rows, expected, input_path, manifest

NAMES = [item["name"] for item in manifest()]


@pytest.mark.parametrize("name", NAMES)
def test_detected_format(name: str) -> None:
    item = next(i for i in manifest() if i["name"] == name)
    assert detect_format(input_path(name)) == item["format"]


@pytest.mark.parametrize("name", NAMES)
def test_reader_yields_the_scripted_messages(name: str) -> None:
    assert as_rows(iter_chat(input_path(name))) == expected(name)


@pytest.mark.parametrize("name", NAMES)
def test_explicit_format_reads_the_same(name: str) -> None:
    item = next(i for i in manifest() if i["name"] == name)
    assert as_rows(iter_chat(input_path(name), item["format"])) == expected(name)


def test_read_chat_drops_conversation_keys() -> None:
    msgs = list(read_chat(input_path("sms")))
    assert [m.text for m in msgs] == [r["text"] for r in expected("sms")]


def test_fixture_coverage() -> None:
    import json

    from tests.chat_fixtures import FIXTURES

    formats = {item["format"] for item in manifest()}
    assert formats == {"whatsapp", "telegram", "messenger", "discord", "imessage", "sms", "csv", "jsonl"}
    gold = sum(len(json.loads((FIXTURES / i["pairs"]).read_text())["pairs"]) for i in manifest())
    assert len(manifest()) >= 8 and gold >= 60


def test_fixtures_are_up_to_date(tmp_path) -> None:
    """The committed exports are what build_fixtures.py renders from src/*.chat."""
    import importlib.util

    from tests.chat_fixtures import FIXTURES

    spec = importlib.util.spec_from_file_location("build_fixtures", FIXTURES / "build_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    import sys

    sys.modules["build_fixtures"] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    finally:
        sys.modules.pop("build_fixtures", None)
    module.HERE = tmp_path
    module.SRC = FIXTURES / "src"
    module.build()
    for item in manifest():
        for rel in (item["input"], item["expected"], item["pairs"]):
            assert (tmp_path / rel).read_bytes() == (FIXTURES / rel).read_bytes(), rel
