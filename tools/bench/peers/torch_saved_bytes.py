"""How much memory PyTorch keeps for the backward pass of a bert-base training step: the bytes of
the tensors autograd saves (unique storages, weights apart), counted with saved_tensors_hooks on
torch_bert.py's model (HF's BertForTokenClassification computation, training mode, dropout on).
On a GPU these are the activations torch.cuda.max_memory_allocated() holds at the end of the
forward pass, on top of the weights, their gradients and AdamW's two moments (4 x the weights).
Runs on the CPU: what autograd saves does not depend on the device.

Usage: python3 torch_saved_bytes.py '{"batch": 32, "length": 128, "layers": 12}'
Prints one JSON line: {"torch", "parameterBytes", "savedBytes", "weightsGradsAdamBytes"}.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402

from torch_bert import BertForTokenClassification, config_from  # noqa: E402


def main():
    o = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
    batch, length = int(o.get("batch", 32)), int(o.get("length", 128))
    torch.manual_seed(0)
    model = BertForTokenClassification(config_from(layers=int(o.get("layers", 12))))
    model.train()
    ids = torch.randint(1, 28996, (batch, length))
    mask = torch.ones(batch, length, dtype=torch.long)
    labels = torch.randint(0, 9, (batch, length))
    storages = {}

    def pack(t):
        s = t.storage() if not hasattr(t, "untyped_storage") else t.untyped_storage()
        storages[s.data_ptr()] = s.nbytes()
        return t

    weights = set()
    for p in model.parameters():
        s = p.storage() if not hasattr(p, "untyped_storage") else p.untyped_storage()
        weights.add(s.data_ptr())
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        model(ids, mask, None, labels)
    parameter_bytes = sum(p.numel() * p.element_size() for p in model.parameters())
    saved = sum(n for ptr, n in storages.items() if ptr not in weights)
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "parameterBytes": parameter_bytes,
                "savedBytes": saved,
                "weightsGradsAdamBytes": 4 * parameter_bytes,
            }
        )
    )


if __name__ == "__main__":
    main()
