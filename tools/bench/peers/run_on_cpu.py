"""Runs one of the CUDA peers (torch_gemm.py, torch_cuda_bert_step.py, ...) on the CPU, so a machine
without a GPU can check that it runs and prints what the JS benches parse. Nothing is timed that
matters: this is the peers' rehearsal, as NER_GPU_CHECK_FAKE_DEVICE is the JS side's.

torch.cuda is stood in for (available, synchronize and memory statistics do nothing, the device
name says "cpu stand-in"), and "cuda" devices, generators and autocast become the CPU's. The peer
is then run as __main__ with the remaining arguments.

Usage: python3 run_on_cpu.py PEER.py ARGS...
"""
import os
import runpy
import sys
import types

import torch as real_torch


class _StandInCuda(types.ModuleType):
    """torch.cuda for a CPU run: what the peers call, doing nothing or answering for the CPU."""

    def __init__(self):
        super().__init__("torch.cuda")

    def __getattr__(self, name):
        return getattr(real_torch.cuda, name)

    @staticmethod
    def is_available():
        return True

    @staticmethod
    def synchronize(*_args):
        return None

    @staticmethod
    def get_device_name(*_args):
        return "cpu stand-in"

    @staticmethod
    def reset_peak_memory_stats(*_args):
        return None

    @staticmethod
    def max_memory_allocated(*_args):
        return 0


def _cpu_device(spec=None, *_args):
    """torch.device: "cuda" (and "cuda:N") become the CPU."""
    if isinstance(spec, str) and spec.startswith("cuda"):
        return real_torch.device("cpu")
    return real_torch.device(spec) if spec is not None else real_torch.device("cpu")


class _StandInTorch(types.ModuleType):
    """The torch module as the peer sees it: everything real, but the CUDA entry points above."""

    def __init__(self):
        super().__init__("torch")
        self.cuda = _StandInCuda()
        self.device = _cpu_device

    def __getattr__(self, name):
        return getattr(real_torch, name)

    @staticmethod
    def Generator(device=None):  # noqa: N802  (torch's name)
        return real_torch.Generator()

    @staticmethod
    def autocast(device_type, *args, **kwargs):
        # CPU autocast takes bfloat16 too; a peer's "cuda" autocast becomes the CPU's.
        return real_torch.autocast("cpu" if device_type == "cuda" else device_type, *args, **kwargs)


def _to_cpu(original):
    def to(self, *args, **kwargs):
        args = tuple("cpu" if isinstance(a, str) and a.startswith("cuda") else a for a in args)
        if isinstance(kwargs.get("device"), str) and kwargs["device"].startswith("cuda"):
            kwargs["device"] = "cpu"
        return original(self, *args, **kwargs)

    return to


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: python3 run_on_cpu.py PEER.py ARGS...")
    sys.modules["torch"] = _StandInTorch()
    # tensor.to("cuda") and module.to("cuda") stay on the CPU.
    real_torch.Tensor.to = _to_cpu(real_torch.Tensor.to)
    real_torch.nn.Module.to = _to_cpu(real_torch.nn.Module.to)
    peer = sys.argv[1]
    sys.argv = [peer] + sys.argv[2:]
    sys.path.insert(0, os.path.dirname(os.path.abspath(peer)))
    runpy.run_path(peer, run_name="__main__")


if __name__ == "__main__":
    main()
