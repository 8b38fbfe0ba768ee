"""Greedy model soup: several fine-tuning runs from the same weights, averaged into one model.

Runs that start from the same weights and differ only in data order and dropout end in
the same basin, so averaging their weights behaves like an ensemble of them at the cost
of one model (Wortsman et al. 2022, "Model soups"). The soup is greedy: ingredients are
added best-first (by dev macro-F1) and each is kept only when the average does not score
lower on dev than without it, so the result never scores below the best single run on dev.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from analyzer.labels import LABEL2ID
from training.finetune import TrainConfig, TrainResult, finetune, macro_f1, predict_logits


def ingredient_configs(config: TrainConfig) -> list[TrainConfig]:
    """One config per soup ingredient: same ``seed`` (initial weights), order seeds ``order_seed + k``."""
    first = config.seed if config.order_seed is None else config.order_seed
    return [replace(config, soup=1, order_seed=None if k == 0 and config.order_seed is None else first + k)
            for k in range(max(1, config.soup))]


def average_states(states: Sequence[dict]) -> dict:
    """Uniform average of state dicts (floating-point tensors averaged, others from the first)."""
    out = {}
    for name, first in states[0].items():
        if first.is_floating_point():
            out[name] = (sum(s[name].double() for s in states) / len(states)).to(first.dtype)
        else:
            out[name] = first.clone()
    return out


def finetune_soup(
    train: Sequence[dict],
    dev: Sequence[dict],
    config: TrainConfig,
    base: Path | None = None,
    on_step: Callable[[dict], None] | None = None,
) -> TrainResult:
    """Fine-tune ``config.soup`` ingredients and return their greedy soup (one run when ``soup`` is 1).

    Progress events count steps over all ingredients. ``history`` holds every ingredient's
    dev evaluations (with an ``ingredient`` index) and one ``soup`` entry per candidate tried.
    Without ``dev`` all ingredients are averaged.
    """
    configs = ingredient_configs(config)
    if len(configs) == 1:
        return finetune(train, dev, config, base=base, on_step=on_step)
    started = time.time()
    results: list[TrainResult] = []
    history: list[dict] = []
    offset = 0
    for k, cfg in enumerate(configs):
        def shifted(event: dict, k: int = k, offset: int = offset) -> None:
            if on_step:
                per_run = event["total"]
                on_step({**event, "step": offset + event["step"], "total": per_run * len(configs), "ingredient": k})

        result = finetune(train, dev, cfg, base=base, on_step=shifted)
        history.extend({**h, "ingredient": k} for h in result.history)
        offset += result.steps
        results.append(result)
    model, tokenizer = results[0].model, results[0].tokenizer
    states = [{k: v.detach().clone() for k, v in r.model.state_dict().items()} for r in results]
    if not dev:
        model.load_state_dict(average_states(states))
        return TrainResult(model, tokenizer, history, -1.0, offset, time.time() - started)

    pairs = [(r.get("disclosure"), r["reply"]) for r in dev]
    gold = [LABEL2ID[r["label"]] for r in dev]

    def dev_f1(state: dict) -> float:
        model.load_state_dict(state)
        model.eval()
        return macro_f1(gold, predict_logits(model, tokenizer, pairs, config.max_length).argmax(-1).tolist())

    order = sorted(range(len(results)), key=lambda i: -results[i].best_dev_macro_f1)
    chosen = [order[0]]
    best = results[order[0]].best_dev_macro_f1
    for i in order[1:]:
        f1 = dev_f1(average_states([states[j] for j in chosen + [i]]))
        kept = f1 >= best
        history.append({"step": offset, "soup": sorted(chosen + [i]), "dev_macro_f1": f1, "kept": kept})
        if on_step:
            on_step({"step": offset, "total": offset, "loss": 0.0, "dev_macro_f1": f1, "soup": len(chosen) + 1, "kept": kept})
        if kept:
            chosen.append(i)
            best = f1
    model.load_state_dict(average_states([states[j] for j in chosen]))
    model.eval()
    history.append({"step": offset, "soup_final": sorted(chosen), "dev_macro_f1": best})
    return TrainResult(model, tokenizer, history, best, offset, time.time() - started)
