"""training.texting_register: the texting-spelling rewrite and which train replies it touches."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from training.texting_register import (
    TEXTING_U,
    YOU_FORM,
    marker_shares,
    rewrite_plan,
    rewrite_train_register,
    to_texting,
)


@pytest.mark.parametrize(
    ("written", "texted"),
    [
        ("I'm so sorry, that sounds awful. You don't deserve that.", "im so sorry, that sounds awful. u dont deserve that"),
        ("Have you talked to your manager about it?", "have u talked to ur manager about it?"),
        ("You're doing everything you can.", "ur doing everything u can"),
        ("You are not alone in this", "ur not alone in this"),
        ("Oh my god, I don't know what to say to be honest", "omg, idk what to say tbh"),
        ("You'll be fine. You've done this before.", "u'll be fine. u've done this before"),
        ("Call me right now because I'm worried, okay?", "call me rn bc im worried, ok?"),
        ("That's rough... ", "thats rough..."),
        ("young people", "young people"),  # a you-form only as a whole word
    ],
)
def test_to_texting_changes_spelling_not_words(written, texted):
    assert to_texting(written) == texted


@given(st.text())
def test_to_texting_gives_lowercase_stripped_text_for_any_input(text):
    out = to_texting(text)
    assert out == out.lower()
    assert out == out.strip()


@given(st.lists(st.sampled_from(["you", "your", "You're", "yours", "YOU", "are", "ok", "so", "sorry", ",", "."]), max_size=12))
def test_no_you_form_survives_the_rewrite(words):
    assert not YOU_FORM.search(to_texting(" ".join(words)))


def _records(label: str, n_you: int, n_plain: int, n_marked: int = 0) -> list[dict]:
    return (
        [{"label": label, "reply": f"I hear you, reply {i}."} for i in range(n_you)]
        + [{"label": label, "reply": f"That is hard, reply {i}."} for i in range(n_plain)]
        + [{"label": label, "reply": f"ur ok, reply {i}"} for i in range(n_marked)]
    )


def test_each_label_reaches_the_target_share():
    records = _records("validating", 40, 60) + _records("invalidating", 30, 60, n_marked=10)
    out = rewrite_train_register(records, 0.2)
    shares = marker_shares(out)
    assert shares == {"invalidating": 0.2, "validating": 0.2}
    assert sum(r.get("register_rewrite", False) for r in out) == 20 + 10


def test_only_replies_with_a_you_form_and_no_marker_are_rewritten():
    records = _records("advice-giving", 5, 50, n_marked=3)
    chosen = rewrite_plan(records, 0.9)
    assert chosen == set(range(5))  # not enough candidates: all of them, nothing else


def test_labels_at_or_above_the_target_are_left_alone():
    records = _records("self-centering", 10, 10, n_marked=10)
    assert rewrite_plan(records, 0.3) == set()
    assert rewrite_plan(records, 0.0) == set()


def test_the_choice_does_not_depend_on_record_order():
    records = _records("validating", 50, 50) + _records("advice-giving", 50, 50)
    chosen = {records[i]["reply"] + records[i]["label"] for i in rewrite_plan(records, 0.2)}
    shuffled = records[:]
    random.Random(3).shuffle(shuffled)
    assert {shuffled[i]["reply"] + shuffled[i]["label"] for i in rewrite_plan(shuffled, 0.2)} == chosen


def test_rewritten_copies_keep_every_other_field_and_the_input_is_not_changed():
    records = [{"label": "validating", "reply": "You poor thing.", "disclosure": "My Cat Died.", "teacher_pair": [0.1, 0.2, 0.3, 0.4]}]
    out = rewrite_train_register(records, 1.0)
    assert out[0] == {**records[0], "reply": "u poor thing", "register_rewrite": True}
    assert records[0]["reply"] == "You poor thing."
    assert TEXTING_U.search(out[0]["reply"])


@pytest.mark.parametrize("share", [-0.1, 1.5])
def test_a_share_outside_zero_to_one_is_an_error(share):
    with pytest.raises(ValueError, match="target_share"):
        rewrite_plan(_records("validating", 2, 2), share)


def test_training_command_rejects_a_share_outside_zero_to_one(capsys):
    from training.train import main

    with pytest.raises(SystemExit):
        main(["--texting-share", "1.5", "--out", "unused"])
    assert "--texting-share must lie in [0, 1]" in capsys.readouterr().err
