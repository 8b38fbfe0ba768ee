"""`reply-analyzer score` end to end: one-line errors (exit 2) and, with the shipped model, real runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.chat_fixtures import input_path

REPO = Path(__file__).resolve().parents[1]
MODEL = REPO / "models" / "default"


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analyzer", "score", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=900)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.txt"], "error: missing.txt: no such file"),
        (["pyproject.toml"], "error: pyproject.toml: unrecognised chat export; expected a WhatsApp .txt"),
        (["--format", "pdf", "pyproject.toml"], "error: pyproject.toml: unknown format 'pdf'"),
        ([str(input_path("sms")), "--output", "out.txt"], "error: --output must end in .jsonl or .csv"),
        ([str(input_path("sms")), "--report", "r.pdf"], "error: --report must end in .html"),
        ([str(input_path("telegram_single")), "--format", "whatsapp"], "error: result.json: no WhatsApp message lines found"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    assert one_line_error(run(*args)).startswith(message)


def _need_model() -> None:
    if not (MODEL / "model.onnx").is_file():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("models/default/model.onnx is missing; CI must run score end to end")
        pytest.skip("needs the shipped model (models/default/model.onnx)")


@pytest.mark.slow
def test_chat_exports_end_to_end(tmp_path: Path) -> None:
    _need_model()
    out, report = tmp_path / "pairs.jsonl", tmp_path / "report.html"
    result = run(str(input_path("wa_android_us")), str(input_path("discord_channel")), "--output", str(out),
                 "--report", str(report))
    assert result.returncode == 0, result.stderr[-3000:]
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(rows) >= 10
    assert all(set(r) >= {"file", "discloser", "replier", "time", "disclosure", "reply", "label", "scores"} for r in rows)
    assert all(abs(sum(r["scores"].values()) - 1) < 1e-3 for r in rows)
    assert "replies per person" in result.stdout and "Jordan" in result.stdout
    assert report.stat().st_size > 5000
    # clear cases land where the label guide puts them
    by_reply = {r["reply"].split("\n")[0]: r["label"] for r in rows}
    assert by_reply["you should try the couch to 5k app, it really helped me feel better about myself"] == "advice-giving"
    assert by_reply["mo 💜 I'm so sorry. it must be so lonely when nobody says his name"] == "validating"
    assert by_reply["honestly at least you're not dealing with what dev is dealing with. could be worse!"] == "invalidating"


@pytest.mark.slow
def test_reply_rows_end_to_end(tmp_path: Path) -> None:
    _need_model()
    data = tmp_path / "rows.csv"
    data.write_text('id,disclosure,reply\n1,"I failed my driving test again","just book another one, you should practise more"\n'
                    '2,"my dog died","I\'m so sorry, I know how much you loved her"\n', encoding="utf-8")
    out = tmp_path / "scored.csv"
    result = run(str(data), "--output", str(out), "--me", "ignored")
    assert result.returncode == 0, result.stderr[-3000:]
    lines = out.read_text("utf-8").splitlines()
    assert lines[0].startswith("id,disclosure,reply,label,score_advice-giving") and len(lines) == 3
