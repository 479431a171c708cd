"""PyTorch CUDA peer of tools/bench/cuda-pipeline.mjs: latency of transformers'
pipeline("token-classification", aggregation_strategy="simple", device=0) for one sentence per call,
on the very checkpoint the JS bench saved (our savePretrained output: config.json, model.safetensors
and the bert-base-cased tokenizer files), plus the logits of one sentence for a parity check.

Usage: python3 torch_cuda_pipeline.py '{"model": DIR, "sentences": FILE (JSON list of strings),
        "warmup": 3, "probe": "sentence whose logits are returned"}'
Prints one JSON line: {"torch", "transformers", "device", "n", "p50", "p90", "mean", "entities",
"probe": [logits of the probe sentence, row-major], "probeShape"} or {"unavailable": reason}.
"""
import json
import sys
import time


def main():
    o = json.loads(sys.argv[1])
    import torch

    if not torch.cuda.is_available():
        print(json.dumps({"unavailable": f"torch {torch.__version__}: torch.cuda.is_available() is False"}))
        return
    try:
        import transformers
        from transformers import AutoModelForTokenClassification, AutoTokenizer, pipeline
    except ImportError as error:
        print(json.dumps({"unavailable": f"transformers is not importable: {error}"}))
        return
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
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
    ordered = sorted(ms)

    def pct(p):
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "transformers": transformers.__version__,
                "device": torch.cuda.get_device_name(0),
                "n": len(ms),
                "p50": pct(0.5),
                "p90": pct(0.9),
                "mean": sum(ms) / len(ms),
                "entities": entities,
                "probeIds": enc["input_ids"][0].tolist(),
                "probeShape": list(logits.shape),
                "probe": logits.flatten().tolist(),
            }
        )
    )


if __name__ == "__main__":
    main()
