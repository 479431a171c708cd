"""Exports a BertForTokenClassification folder written by @ner/models (config.json +
model.safetensors) to ONNX with torch.onnx.export (Debian's torch; no network, no onnx package),
for the onnxruntime-node peer of tools/bench/native-pipeline.mjs. The weights go through
torch_bert.py (hand-written BERT with HF names, strict state-dict load, eval mode).

Usage: python3 export_bert_onnx.py MODEL_DIR OUT.onnx
Inputs: input_ids, attention_mask, token_type_ids (int64 [batch, sequence]); output: logits.
Prints one JSON line with the torch version and the logits of a fixed probe input (for a parity check).
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_bert import BertForTokenClassification, hf_config, load_safetensors  # noqa: E402


class LogitsOnly(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.model(input_ids, attention_mask, token_type_ids)[1]


def main():
    model_dir, out = sys.argv[1], sys.argv[2]
    config = hf_config(os.path.join(model_dir, "config.json"))
    model = BertForTokenClassification(config)
    weights = load_safetensors(os.path.join(model_dir, "model.safetensors"))
    # Buffers HF may write (position_ids) are not weights here.
    weights = {k: v for k, v in weights.items() if not k.endswith("position_ids")}
    model.load_state_dict(weights, strict=True)
    model.eval()
    ids = torch.tensor([[101, 1000, 2000, 3000, 102]])
    mask = torch.ones_like(ids)
    types = torch.zeros_like(ids)
    with torch.no_grad():
        _, probe = model(ids, mask, types)
        torch.onnx.export(
            LogitsOnly(model),
            (ids, mask, types),
            out,
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["logits"],
            dynamic_axes={name: {0: "batch", 1: "sequence"} for name in ["input_ids", "attention_mask", "token_type_ids", "logits"]},
            opset_version=14,
            do_constant_folding=True,
        )
    print(json.dumps({"torch": torch.__version__, "probeIds": ids.tolist()[0], "probeLogits": probe[0].tolist()}))


if __name__ == "__main__":
    main()
