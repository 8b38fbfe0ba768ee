"""Greedy model soup: several fine-tuning runs from the same weights, averaged into one model.

Runs that start from the same weights and differ only in data order and dropout end in
the same basin, so averaging their weights behaves like an ensemble of them at the cost
of one model (Wortsman et al. 2022, "Model soups"). The soup is greedy: ingredients are
added best-first (by dev macro-F1) and each is kept only when the average does not score
lower on dev than without it, so the result never scores below the best single run on dev.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from analyzer.labels import LABEL2ID
from training.finetune import TrainConfig, TrainResult, WeightAverager, finetune, predict_logits
from training.metrics import macro_f1_over_labels as macro_f1


def ingredient_configs(config: TrainConfig) -> list[TrainConfig]:
    """One config per soup ingredient: same ``seed`` (initial weights), order seeds ``order_seed + k``."""
    first = config.seed if config.order_seed is None else config.order_seed
    return [replace(config, soup=1, order_seed=None if k == 0 and config.order_seed is None else first + k)
            for k in range(max(1, config.soup))]


def average_states(states: Sequence[dict]) -> dict:
    """Uniform average of state dicts (floating-point tensors averaged, others from the first)."""
    averager = WeightAverager()
    for state in states:
        averager.add_state(state)
    return averager.average(states[0])


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

    # Progress lines during the soup step show the last run's final training loss.
    last_loss = next((h["loss"] for h in reversed(results[-1].history) if "loss" in h), 0.0)
    order = sorted(range(len(results)), key=lambda i: -results[i].best_dev_macro_f1)
    chosen = [order[0]]
    best = results[order[0]].best_dev_macro_f1
    for i in order[1:]:
        f1 = dev_f1(average_states([states[j] for j in chosen + [i]]))
        kept = f1 >= best
        history.append({"step": offset, "soup": sorted(chosen + [i]), "dev_macro_f1": f1, "kept": kept})
        if on_step:
            on_step({"step": offset, "total": offset, "loss": last_loss, "dev_macro_f1": f1, "soup": len(chosen) + 1, "kept": kept})
        if kept:
            chosen.append(i)
            best = f1
    model.load_state_dict(average_states([states[j] for j in chosen]))
    model.eval()
    history.append({"step": offset, "soup_final": sorted(chosen), "dev_macro_f1": best})
    return TrainResult(model, tokenizer, history, best, offset, time.time() - started)


def shared_baseline(folders: Sequence[Path], name: str) -> Path | None:
    """The first folder's baseline when every folder has one and the same blend export of it, else None.

    The lexical weights (``lexical.npz``, exported from the baseline) are compared, not the
    skops archives, whose bytes differ between identical fits.
    """
    from analyzer.lexical import LEXICAL_NPZ

    if not all((f / name).is_file() for f in folders):
        return None
    exported = [f / LEXICAL_NPZ for f in folders]
    if not all(p.is_file() for p in exported) or len({p.read_bytes() for p in exported}) > 1:
        return None
    return folders[0] / name


def soup_folders(folders: Sequence[Path], out: Path, dev: Sequence[dict], test: Sequence[dict]) -> dict:
    """Average the weights of exported model folders (same base encoder) into a new folder ``out``.

    The weights come back from each folder's int8 ONNX file (``weights.json``), so the soup
    carries their quantisation error once more. When every folder holds the same TF-IDF
    baseline (runs on one corpus), the soup keeps it, and its blend weight is chosen on
    ``dev`` again. The result is calibrated on ``dev`` and scored on ``test`` like a
    trained folder; returns its metrics.
    """
    from training.baseline import BASELINE_FILE
    from training.finetune import load_base
    from training.model_folder import save_model_folder
    from training.onnx_weights import has_weight_map, state_dict_from_onnx
    from training.pair_classifier import folder_pooling
    from training.train import calibrate_folder, record_test_metrics, update_metrics

    for folder in folders:
        if not has_weight_map(folder):
            raise ValueError(f"{folder}: not an exported model folder with weights.json and model.onnx")
    poolings = {folder_pooling(f) for f in folders}
    if len(poolings) > 1:
        raise ValueError(f"the folders use different classifier heads ({', '.join(sorted(poolings))}); cannot average them")
    tokenizer, model = load_base(folders[0])
    model.load_state_dict(average_states([state_dict_from_onnx(f) for f in folders]), strict=False)
    model.eval()
    first = json.loads((folders[0] / "config.json").read_text(encoding="utf-8"))
    save_model_folder(
        out, model, tokenizer, temperature=1.0, max_length=first.get("max_length", 160),
        base_model=first.get("base_model", "unknown"), train_config={"soup_of": [str(f) for f in folders], "pooling": poolings.pop()},
        data_summary=first.get("training_data", {}), metrics={},
    )
    baseline = shared_baseline(folders, BASELINE_FILE)
    if baseline is not None:
        shutil.copyfile(baseline, out / BASELINE_FILE)
    metrics = update_metrics(out, calibrate_folder(out, dev, fit=bool(dev)))
    return record_test_metrics(out, test) if test else metrics


def main(argv: list[str] | None = None) -> None:
    """``python -m training.soup --out DIR FOLDER FOLDER...``: soup exported folders on the project corpus."""
    import argparse

    parser = argparse.ArgumentParser(description="Average exported model folders (same base) into one.")
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    from training.data import dev_and_test

    try:
        m = soup_folders(args.folders, args.out, *dev_and_test())
    except ValueError as err:
        parser.error(str(err))
    print(f"dev macro-F1 {m['dev_macro_f1_calibrated']:.3f}, test macro-F1 {m['test']['macro_f1']:.3f}, "
          f"hard {m['test_hard'].get('macro_f1', float('nan')):.3f}, ECE {m['test_ece']:.3f}")


if __name__ == "__main__":
    main()
