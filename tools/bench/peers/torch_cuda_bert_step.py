"""PyTorch eager CUDA peer of tools/bench/cuda-bert-step.mjs: one training step of a bert-base-sized
BertForTokenClassification on the GPU, forward + backward + torch.optim.AdamW (the Trainer's two
weight-decay groups), train mode (dropout on), on the same batch the JS bench builds (same LCG as
torch_bert_step.py's make_batch).

The model is transformers' BertForTokenClassification (attn_implementation from the options,
default "eager": plain matmul + softmax attention, the same kernels our backend runs; "sdpa" is what
transformers picks by default) when transformers imports, else the hand-written torch_bert.py (HF
module names). One process measures each precision in `modes`: fp32 (allow_tf32 off for matmul and
cuDNN) and tf32 (both on), each with its own warm-up.

Usage: python3 torch_cuda_bert_step.py '{"hidden":768,"layers":12,"heads":12,"intermediate":3072,
        "vocab":28996,"labels":9,"batch":32,"length":128,"warmup":3,"steps":5,"modes":["fp32","tf32"],
        "attn":"eager","profile":true}'
Prints one JSON line: {"torch", "cuda", "device", "model", "results": {mode: {msPerStep, samplesPerS,
tokensPerS, stepMs, losses, cudaKernelsPerStep}}} or {"unavailable": reason}.
"""
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_bert_step import make_batch  # noqa: E402  (the JS bench's batch, same LCG)


def build_model(o):
    """transformers' BertForTokenClassification when available, else torch_bert.py's."""
    try:
        from transformers import BertConfig, BertForTokenClassification

        sizes = dict(
            vocab_size=o["vocab"],
            hidden_size=o["hidden"],
            num_hidden_layers=o["layers"],
            num_attention_heads=o["heads"],
            intermediate_size=o["intermediate"],
            num_labels=o["labels"],
        )
        try:  # transformers >= 4.36 takes the attention implementation as a config argument
            config = BertConfig(**sizes, attn_implementation=o.get("attn", "eager"))
        except TypeError:
            config = BertConfig(**sizes)
        model = BertForTokenClassification(config)
        import transformers

        name = f"transformers {transformers.__version__} BertForTokenClassification ({getattr(model.config, '_attn_implementation', '?')} attention)"

        def forward(ids, mask, types, labels):
            return model(input_ids=ids, attention_mask=mask, token_type_ids=types, labels=labels).loss

        return model, forward, name
    except ImportError as error:
        from torch_bert import BertForTokenClassification, config_from

        c = config_from(o["hidden"], o["layers"], o["heads"], o["intermediate"], o["vocab"], o["labels"])
        model = BertForTokenClassification(c)

        def forward(ids, mask, types, labels):
            return model(ids, mask, types, labels)[0]

        return model, forward, f"torch_bert.py (hand-written; transformers not importable: {error})"


def set_tf32(on):
    torch.backends.cuda.matmul.allow_tf32 = on
    torch.backends.cudnn.allow_tf32 = on


def device_us(event, total):
    """An event's device time in microseconds: torch >= 2.4 names it device_time, older cuda_time."""
    prefix = "" if total else "self_"
    for name in (f"{prefix}device_time_total", f"{prefix}cuda_time_total"):
        value = getattr(event, name, None)
        if value is not None:
            return float(value)
    return 0.0


def profile_step(step, step_ms, top=25):
    """One step under torch.profiler (CPU and CUDA activity): the CUDA kernels it launched, their
    summed device time and its share of the step's wall time, and the aten ops by the device time
    of the kernels they launched themselves (self), slowest first: the counterpart of the JS
    side's tf.profile split by tfjs kernel."""
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        step()
        torch.cuda.synchronize()
    on_device = lambda e: "CUDA" in str(getattr(e, "device_type", ""))  # noqa: E731
    kernels = [e for e in prof.events() if on_device(e)]
    # A kernel event's own time range is its span on the GPU (the *_time_total properties read 0
    # for it in some torch versions).
    span_us = lambda e: e.time_range.elapsed_us() if hasattr(e, "time_range") else device_us(e, True)  # noqa: E731
    kernel_ms = sum(span_us(e) for e in kernels) / 1000
    ops = []
    for avg in prof.key_averages():
        if on_device(avg):
            continue
        ms = device_us(avg, False) / 1000
        if ms > 0:
            ops.append({"name": avg.key, "calls": int(avg.count), "ms": ms})
    ops.sort(key=lambda op: -op["ms"])
    return {
        "cudaKernelsPerStep": len(kernels),
        "gpuProfile": {"kernelMs": kernel_ms, "shareOfStep": kernel_ms / step_ms, "ops": ops[:top]},
    }


def main():
    o = json.loads(sys.argv[1])
    if not torch.cuda.is_available():
        print(json.dumps({"unavailable": f"torch {torch.__version__}: torch.cuda.is_available() is False"}))
        return
    device = torch.device("cuda")
    torch.manual_seed(1)
    model, forward, name = build_model(o)
    model.to(device).train()
    decay, no_decay = [], []
    for _, module in model.named_modules():
        for pname, p in module.named_parameters(recurse=False):
            (no_decay if isinstance(module, torch.nn.LayerNorm) or "bias" in pname else decay).append(p)
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=5e-5
    )
    ids, mask, labels = (t.to(device) for t in make_batch(o["batch"], o["length"], o["labels"]))
    types = torch.zeros_like(ids)

    # bf16: the forward (and so the backward's matmuls) under CUDA autocast, as the Trainer's bf16=True.
    autocast = {"on": False}

    def step():
        optimizer.zero_grad(set_to_none=True)
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=autocast["on"]):
            loss = forward(ids, mask, types, labels)
        loss.backward()
        optimizer.step()
        return float(loss)  # reads the loss back: one sync per step, as the JS side does

    results = {}
    for mode in o.get("modes", ["fp32"]):
        set_tf32(mode == "tf32")
        autocast["on"] = mode == "bf16"
        losses = [step() for _ in range(o["warmup"])]
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()  # the timed steps' own peak, as the JS side's
        times = []
        for _ in range(o["steps"]):
            start = time.perf_counter()
            losses.append(step())
            torch.cuda.synchronize()
            times.append(time.perf_counter() - start)
        ms = 1000 * sum(times) / len(times)
        entry = {
            "msPerStep": ms,
            "stepMs": [1000 * t for t in times],
            "samplesPerS": o["batch"] / (ms / 1000),
            "tokensPerS": o["batch"] * o["length"] / (ms / 1000),
            "losses": losses,
            "maxMemoryBytes": torch.cuda.max_memory_allocated(),
        }
        if o.get("profile"):
            try:
                entry.update(profile_step(step, ms))
            except Exception as error:  # the profiler is a nicety: never fail the peer for it
                entry["cudaKernelsPerStep"] = f"profiler failed: {error}"
                entry["gpuProfile"] = {"failed": str(error)}
        results[mode] = entry
    set_tf32(False)
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "cuda": torch.version.cuda,
                "device": torch.cuda.get_device_name(0),
                "model": name,
                "parameters": sum(p.numel() for p in model.parameters()),
                "results": results,
            }
        )
    )


if __name__ == "__main__":
    main()
