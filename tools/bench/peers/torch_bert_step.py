"""PyTorch CPU peer of tools/bench/native-bert-step.mjs: one training step of a bert-base-sized
BertForTokenClassification (torch_bert.py, hand-written, HF module names), forward + backward +
torch.optim.AdamW step, on the same batch the JS bench builds (same LCG), in train mode (dropout on).

Usage: python3 torch_bert_step.py '{"hidden":768,"layers":12,"heads":12,"intermediate":3072,
        "vocab":28996,"labels":9,"batch":8,"length":128,"warmup":1,"steps":3,"threads":2}'
Prints one JSON line with ms per step, tokens/s, the parameter count and the losses.
"""
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_bert import BertForTokenClassification, config_from  # noqa: E402


def make_batch(batch, length, labels):
    """The JS bench's makeBatch: same LCG (state * 1103515245 + 12345 mod 2^32), same draws."""
    state = 7

    def nxt(n):
        nonlocal state
        state = (state * 1103515245 + 12345) % 2**32
        return state % n

    ids, mask, labs = [], [], []
    for _ in range(batch):
        real = length - nxt(40)
        ids.append([1000 + nxt(20000) if t < real else 0 for t in range(length)])
        mask.append([1 if t < real else 0 for t in range(length)])
        labs.append([nxt(labels) if 0 < t < real - 1 else -100 for t in range(length)])
    return torch.tensor(ids), torch.tensor(mask), torch.tensor(labs)


def main():
    o = json.loads(sys.argv[1])
    torch.set_num_threads(int(o.get("threads") or os.cpu_count()))
    torch.manual_seed(1)
    c = config_from(o["hidden"], o["layers"], o["heads"], o["intermediate"], o["vocab"], o["labels"])
    model = BertForTokenClassification(c)
    model.train()
    # The Trainer's two groups: no weight decay on biases and LayerNorm weights.
    decay, no_decay = [], []
    for module_name, module in model.named_modules():
        for name, p in module.named_parameters(recurse=False):
            (no_decay if isinstance(module, torch.nn.LayerNorm) or "bias" in name else decay).append(p)
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=5e-5)
    input_ids, attention_mask, labels = make_batch(o["batch"], o["length"], o["labels"])
    token_type_ids = torch.zeros_like(input_ids)

    # bf16: the forward (and so the backward's matmuls) under CPU autocast, as the Trainer's bf16=True.
    autocast = torch.autocast("cpu", dtype=torch.bfloat16, enabled=bool(o.get("bf16")))

    def step():
        optimizer.zero_grad(set_to_none=True)
        with autocast:
            loss, _ = model(input_ids, attention_mask, token_type_ids, labels)
        loss.backward()
        optimizer.step()
        return float(loss)

    losses = [step() for _ in range(o["warmup"])]
    times = []
    cpu_start = time.process_time()
    for _ in range(o["steps"]):
        start = time.perf_counter()
        losses.append(step())
        times.append(time.perf_counter() - start)
    cpu_ms = 1000 * (time.process_time() - cpu_start) / o["steps"]
    ms = 1000 * sum(times) / len(times)
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "parameters": sum(p.numel() for p in model.parameters()),
                "msPerStep": ms,
                "stepMs": [1000 * t for t in times],
                "cpuMsPerStep": cpu_ms,
                "tokensPerS": o["batch"] * o["length"] / (ms / 1000),
                "losses": losses,
            }
        )
    )


if __name__ == "__main__":
    main()
