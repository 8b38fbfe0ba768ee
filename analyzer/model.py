"""The reply classifier at inference time: an ONNX pair encoder read from a model folder.

A model folder (see DESIGN.md) holds ``config.json``, ``model.onnx``, ``tokenizer.json``,
``metrics.json`` and ``MODEL_CARD.md``. Inference needs only onnxruntime, tokenizers and
numpy: neither torch nor transformers is imported on this path.

A folder may also hold a lexical model (``lexical.json`` + ``lexical.npz``, see
:mod:`analyzer.lexical`) and, in ``config.json``, ``lexical_blend``: ``{"weight": w,
"temperature": t}``. Its scores are then ``softmax(((1 - w) * log p_transformer + w * log
p_lexical) / t)``: a weighted product of the two models' calibrated probabilities, with
``w`` chosen and ``t`` fitted on the dev split (``training.lexical_blend``).

Every pair runs through the encoder alone, unpadded. The int8 model quantises its
activations dynamically, with one scale per tensor: in a padded batch that scale would
come from every pair in it, so a reply's scores (and, measured on the dev split, 2.3% of
labels) would depend on which other replies happened to share its batch. Scored alone, a
pair gets the same scores in ``check``, in a chat log and in an evaluation. Throughput
comes from scoring several pairs at once on worker threads, one onnxruntime thread each.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from analyzer.labels import LABELS
from analyzer.lexical import LEXICAL_JSON, LEXICAL_NPZ, LexicalModel, blend_log_scores, has_lexical, reply_cue_counts

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "default"
REQUIRED_FILES = ("config.json", "model.onnx", "tokenizer.json")

Pair = tuple[str | None, str]


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity mask where the platform has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


class ModelFolderError(ValueError):
    """A model folder is missing, incomplete or unreadable (message is user-facing)."""


@dataclass(frozen=True)
class ModelConfig:
    """What a model folder's ``config.json`` says about how to run the model."""

    labels: tuple[str, ...]
    max_length: int
    temperature: float
    base_model: str
    raw: dict
    # Per-label offsets added after dividing by the temperature (bias-corrected temperature
    # scaling, fitted on dev); zeros when the folder has none.
    logit_bias: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0)
    # Weight of the lexical model's log-probabilities and the blend's temperature (weight 0: no blend).
    lexical_weight: float = 0.0
    lexical_temperature: float = 1.0

    @classmethod
    def read(cls, path: Path) -> ModelConfig:
        """Read and validate ``config.json``; raise ModelFolderError naming the problem."""
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ModelFolderError(f"{path}: not a readable JSON config ({exc})") from None
        labels = tuple(raw.get("labels", ()))
        if labels != LABELS:
            raise ModelFolderError(f"{path}: labels must be {list(LABELS)}, found {list(labels)}")
        bias = raw.get("logit_bias") or [0.0] * len(LABELS)
        if not isinstance(bias, list) or len(bias) != len(LABELS) or not all(isinstance(b, (int, float)) for b in bias):
            raise ModelFolderError(f"{path}: logit_bias must be {len(LABELS)} numbers, found {bias!r}")
        blend = raw.get("lexical_blend") or {"weight": 0.0, "temperature": 1.0}
        try:
            weight, blend_temperature = float(blend["weight"]), float(blend["temperature"])
        except (TypeError, KeyError, ValueError):
            raise ModelFolderError(f"{path}: lexical_blend must be {{\"weight\": w, \"temperature\": t}}, found {blend!r}") from None
        if not 0.0 <= weight <= 1.0 or blend_temperature <= 0:
            raise ModelFolderError(f"{path}: lexical_blend weight must be in [0, 1] and temperature > 0, found {blend!r}")
        return cls(
            labels=labels,
            max_length=int(raw.get("max_length", 256)),
            temperature=float(raw.get("temperature", 1.0)),
            base_model=str(raw.get("base_model", "")),
            raw=raw,
            logit_bias=tuple(float(b) for b in bias),
            lexical_weight=weight,
            lexical_temperature=blend_temperature,
        )


@dataclass(frozen=True)
class ScoreParts:
    """Probabilities, shape (n, 4), from one scoring pass: each half and what the folder returns."""

    transformer: np.ndarray
    lexical: np.ndarray | None  # None: the folder does not blend
    blended: np.ndarray


def resolve_model_dir(model_dir: str | Path | None) -> Path:
    """The folder to load: the given one, or the shipped default model."""
    return Path(model_dir) if model_dir is not None else DEFAULT_MODEL_DIR


def check_model_dir(model_dir: Path) -> None:
    """Raise ModelFolderError unless ``model_dir`` holds every file inference needs."""
    if not model_dir.is_dir():
        raise ModelFolderError(f"model folder {model_dir} does not exist or is not a folder")
    missing = [name for name in REQUIRED_FILES if not (model_dir / name).is_file()]
    if missing:
        raise ModelFolderError(f"model folder {model_dir} is missing {', '.join(missing)}")


def softmax(logits: np.ndarray, temperature: float = 1.0, bias: Sequence[float] | None = None) -> np.ndarray:
    """Row-wise softmax of ``logits / temperature + bias`` (numerically stable)."""
    z = logits / temperature
    if bias is not None:
        z = z + np.asarray(bias, dtype=z.dtype)
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def blend_proba(transformer_probs: np.ndarray, lexical_log: np.ndarray, weight: float, temperature: float) -> np.ndarray:
    """A blended folder's scores: ``softmax(((1 - w) log p_transformer + w log p_lexical) / t)``, float32."""
    return softmax(blend_log_scores(transformer_probs, lexical_log, weight), temperature).astype(np.float32)


class ReplyClassifier:
    """Scores (disclosure, reply) pairs with the four label probabilities."""

    def __init__(
        self, model_dir: Path, config: ModelConfig, session, tokenizer, lexical: LexicalModel | None = None, workers: int = 1
    ) -> None:
        self.model_dir = model_dir
        self.config = config
        self._session = session
        self._tokenizer = tokenizer
        self._input_names = {i.name for i in session.get_inputs()}
        self.lexical = lexical
        self.workers = max(1, workers)

    @classmethod
    def load(cls, model_dir: str | Path | None = None, threads: int | None = None) -> ReplyClassifier:
        """Load a model folder (default: the shipped model); validate it first.

        ``threads``: how many pairs are scored at once, each on one onnxruntime thread
        (default: one per usable core).
        """
        import onnxruntime as ort
        from tokenizers import Tokenizer

        path = resolve_model_dir(model_dir)
        check_model_dir(path)
        config = ModelConfig.read(path / "config.json")
        try:
            tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        except Exception as exc:  # tokenizers raises a bare Exception on bad files
            raise ModelFolderError(f"{path / 'tokenizer.json'}: not a readable tokenizer ({exc})") from None
        tokenizer.enable_truncation(max_length=config.max_length, strategy="longest_first")
        tokenizer.no_padding()  # pairs run one at a time (module docstring)
        options = ort.SessionOptions()
        options.log_severity_level = 3
        # Parallel across pairs (worker threads), not within one pair's small matrices. With
        # one intra-op thread there is no onnxruntime thread pool, so none busy-waits beside spaCy.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        try:
            session = ort.InferenceSession(
                str(path / "model.onnx"), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own exception types
            raise ModelFolderError(f"{path / 'model.onnx'}: not a loadable ONNX model ({exc})") from None
        lexical = None
        if config.lexical_weight > 0:
            if not has_lexical(path):
                raise ModelFolderError(f"model folder {path} blends a lexical model but is missing {LEXICAL_JSON} or {LEXICAL_NPZ}")
            try:
                lexical = LexicalModel.load(path)
            except ValueError as exc:
                raise ModelFolderError(str(exc)) from None
        return cls(path, config, session, tokenizer, lexical, workers=threads or usable_cores())

    @property
    def labels(self) -> tuple[str, ...]:
        return self.config.labels

    def _encode(self, pairs: Sequence[Pair]) -> list:
        return self._tokenizer.encode_batch([(d, r) if d else r for d, r in pairs])

    def _run_one(self, encoding) -> np.ndarray:
        """One pair's raw logits, shape (4,): the encoder run on that pair alone, unpadded."""
        feed = {
            "input_ids": np.array([encoding.ids], dtype=np.int64),
            "attention_mask": np.array([encoding.attention_mask], dtype=np.int64),
        }
        if "token_type_ids" in self._input_names:
            feed["token_type_ids"] = np.array([encoding.type_ids], dtype=np.int64)
        (out,) = self._session.run(["logits"], feed)
        return out[0]

    def logits(self, pairs: Sequence[Pair]) -> np.ndarray:
        """Raw logits, shape (len(pairs), 4), each pair scored alone (in parallel over ``workers``)."""
        if not pairs:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        encodings = self._encode(pairs)
        if self.workers == 1 or len(encodings) == 1:
            return np.stack([self._run_one(e) for e in encodings])
        with ThreadPoolExecutor(min(self.workers, len(encodings))) as pool:
            return np.stack(list(pool.map(self._run_one, encodings)))

    def batch_logits(self, pairs: Sequence[Pair], batch_size: int = 32) -> np.ndarray:
        """Raw logits, shape (len(pairs), 4), for any number of pairs, in input order.

        ``batch_size`` only bounds how many pairs are tokenised at a time: a pair's scores
        never depend on the others (module docstring).
        """
        out = np.zeros((len(pairs), len(self.labels)), dtype=np.float32)
        step = max(1, batch_size)
        for start in range(0, len(pairs), step):
            out[start : start + step] = self.logits(pairs[start : start + step])
        return out

    def transformer_proba(self, pairs: Sequence[Pair], batch_size: int = 32) -> np.ndarray:
        """The pair encoder's calibrated probabilities alone, shape (len(pairs), 4)."""
        return softmax(self.batch_logits(pairs, batch_size), self.config.temperature, self.config.logit_bias)

    def score_parts(
        self, pairs: Sequence[Pair], batch_size: int = 32, cue_counts: Sequence[dict[str, float]] | None = None
    ) -> ScoreParts:
        """The transformer's and (for a blended folder) the lexical model's probabilities, and their blend.

        ``cue_counts`` (:func:`analyzer.lexical.cue_feature_counts` of each reply's cues)
        saves parsing the replies again; without it a blended folder extracts them here.
        """
        probs = self.transformer_proba(pairs, batch_size)
        if self.lexical is None or not len(pairs):
            return ScoreParts(probs, None, probs)
        replies = [r for _, r in pairs]
        lexical_log = self.lexical.log_proba(replies, reply_cue_counts(replies) if cue_counts is None else cue_counts)
        blended = blend_proba(probs, lexical_log, self.config.lexical_weight, self.config.lexical_temperature)
        return ScoreParts(probs, np.exp(lexical_log), blended)

    def predict_proba(
        self, pairs: Sequence[Pair], batch_size: int = 32, cue_counts: Sequence[dict[str, float]] | None = None
    ) -> np.ndarray:
        """Calibrated probabilities, shape (len(pairs), 4), in LABELS order (the blend, if any)."""
        return self.score_parts(pairs, batch_size, cue_counts).blended
