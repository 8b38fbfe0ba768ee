"""`reply-analyzer check`: JSON contract, input modes, bad input (typer runner + one real process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analyzer.cli import app
from analyzer.labels import LABELS

pytestmark = pytest.mark.slow
runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(app, ["check", *args], input=input)


def assert_contract(obj: dict, reply: str) -> None:
    assert set(obj) == {"label", "scores", "sentences", "cues", "suggestion"}
    assert obj["label"] in LABELS
    assert list(obj["scores"]) == list(LABELS)
    assert abs(sum(obj["scores"].values()) - 1.0) < 1e-4
    assert obj["label"] == max(obj["scores"], key=obj["scores"].get)
    assert obj["sentences"]
    for s in obj["sentences"]:
        assert set(s) == {"text", "start", "end", "label", "scores"}
        assert reply[s["start"] : s["end"]] == s["text"]
        assert s["label"] in LABELS
    for c in obj["cues"]:
        assert set(c) == {"text", "start", "end", "label", "cue"}
        assert reply[c["start"] : c["end"]] == c["text"]
        assert c["label"] in LABELS
    assert isinstance(obj["suggestion"], str) and obj["suggestion"].strip()


def test_json_from_argument(analyzer):
    reply = "That sounds awful. You should quit."
    res = run(reply, "--to", "my boss screamed at me in front of the whole team", "--json")
    assert res.exit_code == 0, res.output
    obj = json.loads(res.stdout)
    assert_contract(obj, reply)
    assert len(obj["sentences"]) == 2


def test_json_from_piped_stdin(analyzer):
    res = run("--json", input="at least you still have a job\n")
    assert res.exit_code == 0, res.output
    assert_contract(json.loads(res.stdout), "at least you still have a job\n")


def test_rich_output_shows_label_bars_and_suggestion(analyzer):
    res = run("just tell him he's wrong", "--to", "my boss tore my report apart in front of everyone")
    assert res.exit_code == 0, res.output
    assert "Likely to land as" in res.stdout and "Suggestion" in res.stdout
    for label in LABELS:
        assert label in res.stdout


def test_emoji_only_reply_is_answered(analyzer):
    res = run("🙄🙄", "--json")
    assert res.exit_code == 0, res.output
    assert_contract(json.loads(res.stdout), "🙄🙄")


@pytest.mark.parametrize("reply", ["", "   \n\t "])
def test_empty_reply_is_a_one_line_error(reply):
    res = run(reply)
    assert res.exit_code == 2
    assert res.stderr.strip().count("\n") == 0 and "empty" in res.stderr


def test_empty_stdin_is_a_one_line_error():
    res = run("--json", input="")
    assert res.exit_code == 2 and "empty" in res.stderr


def test_non_utf8_stdin_is_refused():
    res = runner.invoke(app, ["check"], input=b"\xff\xfe caf\xe9")
    assert res.exit_code == 2 and "UTF-8" in res.stderr


def test_huge_reply_is_refused_quickly():
    res = run("--json", input="you're fine " * 20_000)  # 240 KB
    assert res.exit_code == 2 and "limit" in res.stderr


def test_unreadable_model_folder(tmp_path):
    res = run("hi", "--model", str(tmp_path / "nope"))
    assert res.exit_code == 2 and "does not exist" in res.stderr
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "config.json").write_text("{}")
    res = run("hi", "--model", str(tmp_path / "half"))
    assert res.exit_code == 2 and "missing model.onnx, tokenizer.json" in res.stderr


def test_broken_model_files(tmp_path):
    for name in ("config.json", "model.onnx", "tokenizer.json"):
        (tmp_path / name).write_text("not what it should be")
    res = run("hi", "--model", str(tmp_path))
    assert res.exit_code == 2 and "config.json" in res.stderr


def test_real_process_json_and_exit_codes(tmp_path):
    exe = Path(sys.executable).with_name("reply-analyzer")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "analyzer"]
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    out = subprocess.run([*cmd, "check", "--json", "--to", "I failed my driving test again", "omg same, I failed mine 3 times lol"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert_contract(json.loads(out.stdout), "omg same, I failed mine 3 times lol")
    bad = subprocess.run([*cmd, "check", "--model", str(tmp_path)], input="hi", capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2 and bad.stderr.startswith("error: ") and "Traceback" not in bad.stderr
