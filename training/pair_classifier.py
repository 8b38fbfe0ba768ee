"""The torch pair classifier: a BERT encoder with a CLS-pooler or a mean-pooling head.

``cls`` is ``BertForSequenceClassification`` as transformers builds it: the [CLS] vector
through the pretrained pooler (dense + tanh), then a linear layer. ``mean`` averages the
last hidden states over the real (unmasked) tokens instead, the pooling the packaged
sentence-transformers encoder was trained with (its ``1_Pooling`` module); its pooler
weights were never trained for that objective, so the mean head starts from a better
sentence vector. Both keep ``bert.*`` / ``classifier.*`` parameter names, and the ONNX
export of either takes the same inputs and returns the same logits.
"""

from __future__ import annotations

import json
from pathlib import Path

POOLINGS = ("cls", "mean")


def _mean_pool_class():
    """``BertForSequenceClassification`` with a masked-mean head (built lazily: torch import)."""
    import torch
    from transformers import BertForSequenceClassification
    from transformers.modeling_outputs import SequenceClassifierOutput

    class MeanPoolBertForSequenceClassification(BertForSequenceClassification):
        """Logits from the mean of the last hidden states over unmasked tokens."""

        def __init__(self, config) -> None:
            super().__init__(config)
            self.bert.pooler = None  # unused: no dead weights in the export

        def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, **kwargs):
            if attention_mask is None:
                attention_mask = torch.ones_like(input_ids)
            hidden = self.bert(
                input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids, return_dict=True
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
            return SequenceClassifierOutput(logits=self.classifier(self.dropout(pooled)))

    return MeanPoolBertForSequenceClassification


def build_classifier(encoder_dir: str, pooling: str = "cls", **kwargs):
    """A pair classifier initialised from the Hugging Face encoder folder ``encoder_dir``.

    ``kwargs`` go to ``from_pretrained`` (``num_labels``, ``id2label``...).
    """
    from transformers import AutoModelForSequenceClassification, logging

    if pooling not in POOLINGS:
        raise ValueError(f"unknown pooling {pooling!r}; expected one of {', '.join(POOLINGS)}")
    if pooling == "cls":
        return AutoModelForSequenceClassification.from_pretrained(encoder_dir, **kwargs)
    verbosity = logging.get_verbosity()
    logging.set_verbosity_error()  # the encoder's pooler weights are dropped on purpose
    try:
        return _mean_pool_class().from_pretrained(encoder_dir, **kwargs)
    finally:
        logging.set_verbosity(verbosity)


def folder_pooling(folder) -> str:
    """The pooling an exported model folder was trained with (``cls`` for folders before it was recorded)."""
    path = Path(folder) / "config.json"
    if not path.is_file():
        return "cls"
    config = json.loads(path.read_text(encoding="utf-8"))
    return (config.get("train_config") or {}).get("pooling") or "cls"
