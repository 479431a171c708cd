"""PyTorch CUDA peer of tools/bench/cuda-pipeline.mjs: latency of transformers'
pipeline("token-classification", aggregation_strategy="simple", device=0) for one sentence per call,
on the very checkpoint the JS bench saved (our savePretrained output: config.json, model.safetensors
and the bert-base-cased tokenizer files), plus the logits of one sentence for a parity check.

Where transformers does not import (a machine with PyTorch alone), the peer falls back to the
model part of the pipeline: torch_bert.py's hand-written BERT loads the same model.safetensors, and
each call uploads the sentence's token ids (tokenized by the JS bench with our tokenizer, "ids"),
runs the forward pass, softmax and argmax, and copies the labels back. Tokenization and entity
aggregation are then not in its time, so it is a faster peer than the whole pipeline; the result
says so ("kind": "forward", "peer", "entities" null).

Usage: python3 torch_cuda_pipeline.py '{"model": DIR, "sentences": FILE (JSON list of strings),
        "warmup": 3, "probe": "sentence whose logits are returned",
        "ids": FILE (optional: JSON list, per sentence and then the probe, of {"inputIds",
        "attentionMask", "tokenTypeIds"})}'
Prints one JSON line: {"torch", "transformers", "kind", "peer", "device", "n", "p50", "p90", "mean",
"entities", "probeIds", "probe": [logits of the probe sentence, row-major], "probeShape"} or
{"unavailable": reason}.
"""
import json
import os
import sys
import time


def main():
    o = json.loads(sys.argv[1])
    import torch

    if not torch.cuda.is_available():
        print(json.dumps({"unavailable": f"torch {torch.__version__}: torch.cuda.is_available() is False"}))
        return
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    try:
        import transformers
        from transformers import AutoModelForTokenClassification, AutoTokenizer, pipeline
    except ImportError as error:
        print(json.dumps(forward_peer(o, torch, f"transformers is not importable: {error}")))
        return
    with open(o["sentences"]) as f:
        sentences = json.load(f)
    tokenizer = AutoTokenizer.from_pretrained(o["model"])
    try:  # transformers >= 4.36 takes the attention implementation; older ones always run eager
        model = AutoModelForTokenClassification.from_pretrained(o["model"], attn_implementation="eager")
    except TypeError:
        model = AutoModelForTokenClassification.from_pretrained(o["model"])
    model = model.to("cuda").eval()
    ner = pipeline("token-classification", model=model, tokenizer=tokenizer, aggregation_strategy="simple", device=0)
    warmup = int(o.get("warmup", 3))
    for text in sentences[:warmup]:
        ner(text)
    ms = []
    entities = 0
    for text in sentences[warmup:]:
        start = time.perf_counter()
        out = ner(text)
        torch.cuda.synchronize()
        ms.append(1000 * (time.perf_counter() - start))
        entities += len(out)
    with torch.no_grad():
        enc = tokenizer(o["probe"], return_tensors="pt").to("cuda")
        logits = model(**enc).logits[0].float().cpu()
    p = percentiles(ms)
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "transformers": transformers.__version__,
                "kind": "pipeline",
                "peer": f"transformers {transformers.__version__} pipeline",
                "device": torch.cuda.get_device_name(0),
                "n": len(ms),
                "p50": p[0.5],
                "p90": p[0.9],
                "mean": sum(ms) / len(ms),
                "entities": entities,
                "probeIds": enc["input_ids"][0].tolist(),
                "probeShape": list(logits.shape),
                "probe": logits.flatten().tolist(),
            }
        )
    )


def percentiles(ms):
    ordered = sorted(ms)
    return {p: ordered[min(len(ordered) - 1, int(p * len(ordered)))] for p in (0.5, 0.9)}


def forward_peer(o, torch, why):
    """The model part of the pipeline on torch_bert.py, timed per sentence (see the module's text)."""
    if not o.get("ids"):
        return {"unavailable": f"{why}; and no token ids were given for the forward-only peer"}
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from torch_bert import BertForTokenClassification, hf_config, load_safetensors

    model = BertForTokenClassification(hf_config(os.path.join(o["model"], "config.json")))
    model.load_state_dict(load_safetensors(os.path.join(o["model"], "model.safetensors")), strict=True)
    device = torch.device("cuda")
    model = model.to(device).eval()
    with open(o["ids"]) as f:
        encoded = json.load(f)
    sentences, probe = encoded[:-1], encoded[-1]

    def run(e):
        ids = torch.tensor([e["inputIds"]], device=device)
        mask = torch.tensor([e["attentionMask"]], device=device)
        types = torch.tensor([e["tokenTypeIds"]], device=device)
        with torch.no_grad():
            logits = model(ids, mask, types)[1]
            labels = logits.softmax(-1).argmax(-1).cpu()  # the copy waits for the GPU
        return logits, labels

    warmup = int(o.get("warmup", 3))
    for e in sentences[:warmup]:
        run(e)
    ms = []
    for e in sentences[warmup:]:
        start = time.perf_counter()
        run(e)
        ms.append(1000 * (time.perf_counter() - start))
    logits = run(probe)[0][0].float().cpu()
    p = percentiles(ms)
    return {
        "torch": torch.__version__,
        "transformers": None,
        "kind": "forward",
        "peer": f"torch_bert.py forward, softmax and argmax per sentence ({why}; tokenization and aggregation not timed)",
        "device": torch.cuda.get_device_name(0),
        "n": len(ms),
        "p50": p[0.5],
        "p90": p[0.9],
        "mean": sum(ms) / len(ms),
        "entities": None,
        "probeIds": probe["inputIds"],
        "probeShape": list(logits.shape),
        "probe": logits.flatten().tolist(),
    }


if __name__ == "__main__":
    main()
