"""The JSON report of tools/gpu-check/run.sh (Python, so a report is written even when the carried
Node binary cannot run). Every command rewrites the report atomically (temporary name, rename), so a
run killed at any point leaves a valid JSON file behind.

  report.py init REPORT --manifest FILE --budget S        start a report (date, payload manifest)
  report.py env REPORT --node N --fatbin F               device, driver, CUDA, torch, node, fatbin
  report.py step REPORT NAME --rc N --seconds S --limit S --result FILE --output FILE
  report.py step REPORT NAME --skipped REASON             a step that did not run, and why
  report.py get REPORT DOTTED.PATH                        print one value ('' when missing)
  report.py trainer-result LOG OUTDIR [--reference FILE]  the main job's metrics as JSON (stdout)
  report.py accelerate-result LOG OUTDIR [--reference FILE]  examples/conll2003-accelerate's, from its metrics.jsonl
  report.py lib-dirs                                      folders for NER_CUDA_LIB_DIR (wheels, driver)
  report.py finish REPORT --seconds S                     the verdicts against issue 15's targets
  report.py merge FIRST SECOND... --out MERGED            one report of several runs (a first run and
                                                          a rerun of some steps), the verdicts again
"""
import argparse
import datetime
import glob
import json
import os
import re
import socket
import subprocess
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def save(path, report):
    tmp = f"{path}.tmp"
    with open(tmp, "w") as f:
        json.dump(report, f, indent=1, default=str)
        f.write("\n")
    os.replace(tmp, path)


def run(cmd, timeout=30):
    """(ok, text) of a command; never raises."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        text = (p.stdout + p.stderr).strip()
        return p.returncode == 0, text
    except FileNotFoundError:
        return False, f"{cmd[0]}: not found"
    except subprocess.TimeoutExpired:
        return False, f"{' '.join(cmd)}: no answer after {timeout} s"
    except OSError as error:
        return False, f"{cmd[0]}: {error}"


def tail(path, lines=12):
    try:
        with open(path, errors="replace") as f:
            # Node prints the source line of a throw: in a minified bundle that is one huge line.
            kept = [line if len(line) <= 300 else line[:240] + " [...]" for line in f.read().rstrip().split("\n")]
            return "\n".join(line for line in kept[-lines:] if line.strip())
    except OSError:
        return ""


def error_line(path):
    """The last line that names an error (`BackendError: ...`), so the report says why first."""
    try:
        with open(path, errors="replace") as f:
            found = [line.strip() for line in f if re.match(r"^\s*(\w*Error|Error)\b[^\n]{0,400}$", line)]
        return found[-1][:400] if found else None
    except OSError:
        return None


def cmd_init(a):
    manifest = {}
    manifest_error = None
    try:
        manifest = load(a.manifest)
    except (OSError, ValueError) as error:
        manifest_error = f"payload manifest unreadable: {error} (run tools/gpu-check/pack.sh and carry tools/gpu-check/payload)"
    report = {
        "schema": "ner-gpu-check/1",
        "issue": 15,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host": socket.gethostname(),
        "command": "bash tools/gpu-check/run.sh",
        "budgetSeconds": a.budget,
        "git": manifest.get("git"),
        "payload": {k: v for k, v in manifest.items() if k != "git"},
        "errors": [manifest_error] if manifest_error else [],
        "device": None,
        "steps": {},
    }
    save(a.report, report)


def cmd_env(a):
    report = load(a.report)
    env = {}
    ok, text = run(["nvidia-smi", "--query-gpu=name,driver_version,memory.total,compute_cap", "--format=csv,noheader"])
    if not ok:  # older nvidia-smi without compute_cap
        ok, text = run(["nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"])
    env["nvidiaSmi"] = text if ok else f"unavailable: {text.splitlines()[-1] if text else 'nvidia-smi failed'}"
    if ok and text:
        parts = [p.strip() for p in text.splitlines()[0].split(",")]
        env["gpu"] = parts[0]
        env["driver"] = parts[1] if len(parts) > 1 else None
        env["memory"] = parts[2] if len(parts) > 2 else None
        env["computeCapability"] = parts[3] if len(parts) > 3 else None
    ok, text = run(["nvidia-smi"])
    m = re.search(r"CUDA Version:\s*([\d.]+)", text) if ok else None
    env["driverCudaVersion"] = m.group(1) if m else None
    ok, text = run(["nvcc", "--version"])
    m = re.search(r"release ([\d.]+)", text) if ok else None
    env["nvcc"] = m.group(1) if m else f"unavailable: {text.splitlines()[-1] if text else 'nvcc failed'}"
    probe = (
        "import json\n"
        "out = {}\n"
        "try:\n"
        " import torch\n"
        " out['torch'] = torch.__version__; out['torchCuda'] = torch.version.cuda\n"
        " out['torchCudaAvailable'] = torch.cuda.is_available()\n"
        " if torch.cuda.is_available(): out['torchDevice'] = torch.cuda.get_device_name(0)\n"
        "except Exception as e: out['torch'] = f'unavailable: {e}'\n"
        "try:\n"
        " import transformers; out['transformers'] = transformers.__version__\n"
        "except Exception as e: out['transformers'] = f'unavailable: {e}'\n"
        "print(json.dumps(out))\n"
    )
    ok, text = run([sys.executable, "-c", probe], timeout=90)
    try:
        env.update(json.loads(text.splitlines()[-1]))
    except (ValueError, IndexError):
        env["torch"] = f"unavailable: {text[-200:]}"
    env["python"] = sys.version.split()[0]
    ok, text = run([a.node, "--version"]) if a.node else (False, "no node")
    env["node"] = text if ok else f"unavailable: {text[-300:]}"
    if a.fatbin and os.path.exists(a.fatbin):  # what the carried fatbin holds (cuobjdump is there)
        ok, text = run(["cuobjdump", "--list-elf", "--list-ptx", a.fatbin])
        env["fatbinContents"] = text.splitlines()[:20] if ok else f"unavailable: {text[-200:]}"
    ok, text = run(["uname", "-srm"])
    env["kernel"] = text if ok else None
    env["cpus"] = os.cpu_count()
    report["device"] = env
    save(a.report, report)


def cmd_step(a):
    report = load(a.report)
    if a.skipped:
        report["steps"][a.name] = {"ok": False, "status": "skipped", "seconds": 0, "results": None, "error": a.skipped}
        save(a.report, report)
        return
    results = None
    if a.result and os.path.exists(a.result):
        try:
            results = load(a.result)
        except ValueError as error:
            results = {"unreadable": str(error)}
    error = None
    if a.rc in (124, 137):
        error = f"timed out after {a.limit} s (step limit); output ends: {tail(a.output, 6)}"
    elif a.rc != 0:
        first = error_line(a.output)
        error = f"exit code {a.rc}{f': {first}' if first else ''}; output ends: {tail(a.output, 12)}"
    elif results is None:
        error = f"no results written; output ends: {tail(a.output, 8)}"
    skipped_reason = results.get("skippedReason") if isinstance(results, dict) else None
    status = "ok" if error is None else "failed"
    if skipped_reason and error is None:
        status = "skipped"
        error = skipped_reason
    report["steps"][a.name] = {
        "ok": status == "ok",
        "status": status,
        "seconds": round(a.seconds, 2),
        "limitSeconds": a.limit,
        "results": results,
        "error": error,
    }
    save(a.report, report)


def cmd_get(a):
    try:
        value = load(a.report)
        for key in a.path.split("."):
            value = value[key] if isinstance(value, dict) else None
    except (OSError, ValueError, KeyError, TypeError):
        value = None
    if value is None:
        print("")
    elif isinstance(value, bool):
        print("true" if value else "false")
    else:
        print(value if isinstance(value, str) else json.dumps(value))


NUMBER = r"(-?[\d.]+(?:e[-+]?\d+)?)"


def log_facts(text):
    """What either example's log says besides its metrics: wall time, backend, the cuda counters."""
    facts = {}
    m = re.search(r"the whole job ([\d.]+) s", text) or re.search(r"done in ([\d.]+) s", text)
    if m:
        facts["wallSeconds"] = float(m.group(1))
    m = re.search(r"TensorFlow\.js backend: (\S+)", text)
    if m:
        facts["backend"] = m.group(1)
    m = re.search(r"GPU_CHECK_CUDA_STATS (\{.*\})", text)
    if m:
        try:
            facts["cudaStats"] = json.loads(m.group(1))
        except ValueError:
            pass
    return facts


def trainer_metrics(log_path, out_dir):
    """Metrics of one conll2003-trainer run: its printed final evaluation and trainer_state.json."""
    result = {}
    text = ""
    try:
        with open(log_path, errors="replace") as f:
            text = f.read()
    except OSError as error:
        result["error"] = f"no log: {error}"
    # The Trainer prints each evaluation as a JSON line; the last one is the final evaluation
    # (older versions of the main job printed a "final evaluation" block instead).
    evals = [line for line in text.splitlines() if line.lstrip().startswith("{") and '"eval_f1"' in line]
    if evals:
        final = evals[-1]
    else:
        final = text[text.rfind("final evaluation"):] if "final evaluation" in text else ""
    for key in ("eval_loss", "eval_f1", "eval_precision", "eval_recall", "eval_accuracy", "eval_runtime"):
        m = re.search(rf"{key}['\"]?:\s*{NUMBER}", final)
        if m:
            result[key] = float(m.group(1))
    for key in ("train_runtime", "train_samples_per_second", "train_steps_per_second", "train_loss"):
        found = re.findall(rf"{key}['\"]?:\s*{NUMBER}", text)
        if found:
            result[key] = float(found[-1])
    result.update(log_facts(text))
    states = sorted(glob.glob(os.path.join(out_dir, "checkpoint-*", "trainer_state.json")))
    if states:
        try:
            history = load(states[-1]).get("log_history", [])
            result["epochs"] = [
                {k: e[k] for k in ("epoch", "eval_loss", "eval_f1", "eval_precision", "eval_recall") if k in e}
                for e in history
                if "eval_f1" in e
            ]
        except (OSError, ValueError):
            pass
    return result


def cmd_trainer_result(a):
    result = trainer_metrics(a.log, a.outdir)
    if a.reference and os.path.exists(a.reference):
        ref = load(a.reference)
        result["reference"] = ref
        if "eval_f1" in result and "eval_f1" in ref:
            result["f1MinusReference"] = result["eval_f1"] - ref["eval_f1"]
    if a.skipped_reason:
        result = {"skippedReason": a.skipped_reason, **result}
    print(json.dumps(result))


def accelerate_metrics(log_path, out_dir):
    """Metrics of one conll2003-accelerate run: the last epoch of its metrics.jsonl, and its log."""
    result = {}
    try:
        with open(os.path.join(out_dir, "metrics.jsonl")) as f:
            epochs = [json.loads(line) for line in f if line.strip()]
    except (OSError, ValueError) as error:
        epochs = []
        result["error"] = f"no metrics.jsonl: {error}"
    if epochs:
        last = epochs[-1]
        for key in ("precision", "recall", "f1", "accuracy"):
            if isinstance(last.get(key), (int, float)):
                result[f"eval_{key}"] = last[key]
        result["epochs"] = [{k: e.get(k) for k in ("epoch", "f1", "seconds")} for e in epochs]
    try:
        with open(log_path, errors="replace") as f:
            result.update(log_facts(f.read()))
    except OSError:
        pass
    return result


def cmd_accelerate_result(a):
    result = accelerate_metrics(a.log, a.outdir)
    if a.stamp:
        # A reference run (pack.sh): when, where and how it was measured.
        result["measuredAt"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        result["machine"] = f"{os.uname().machine} {os.cpu_count()} cores"
        result["command"] = a.stamp
    if a.reference and os.path.exists(a.reference):
        ref = load(a.reference)
        result["reference"] = ref
        if "eval_f1" in result and "eval_f1" in ref:
            result["f1MinusReference"] = result["eval_f1"] - ref["eval_f1"]
    print(json.dumps(result))


# A step is bound by the side that is busy for at least this share of its wall time.
BOUND_SHARE = 0.8


def bert_step_gap(b):
    """Per precision, what stands between our bert step and torch's, in numbers (issue 15 asks
    for them): both step times, our host issue time and GPU kernel time next to torch's GPU
    kernel time, launches, products, syncs and downloads against torch's kernel count, and which
    side bounds our step: "host" when issuing it takes at least BOUND_SHARE of the step, "gpu"
    when the GPU's kernels do, "both" when each does (balanced: both must shrink), else "neither"
    (the step waits: syncs, copies, gaps)."""
    gap = {}
    torch_results = (b.get("torch") or {}).get("results") or {}
    for mode, c in (b.get("cuda") or {}).items():
        if not isinstance(c, dict) or "msPerStep" not in c:
            continue
        t = torch_results.get(mode) or {}
        counters = c.get("deviceCountersPerStep") or {}
        # The per-step counters leave out what did not change: absent is 0 where any were taken.
        count = lambda key: counters.get(key, 0) if counters else None  # noqa: E731
        ms = c["msPerStep"]
        issue = c.get("issueMsPerStep")
        gpu = (c.get("gpuProfile") or {}).get("kernelMs")
        host_busy = issue is not None and issue >= BOUND_SHARE * ms
        gpu_busy = gpu is not None and gpu >= BOUND_SHARE * ms
        bound = {(True, True): "both", (True, False): "host", (False, True): "gpu"}.get((host_busy, gpu_busy), "neither")
        gap[mode] = {
            "cudaMsPerStep": ms,
            "torchMsPerStep": t.get("msPerStep"),
            "cudaHostIssueMs": issue,
            "cudaGpuKernelMs": gpu,
            "torchGpuKernelMs": (t.get("gpuProfile") or {}).get("kernelMs"),
            "cudaLaunchesPerStep": count("launches"),
            "cudaGemmsPerStep": count("gemms"),
            "cudaSyncsPerStep": count("synchronizes"),
            "cudaDownloadsPerStep": count("downloads"),
            "torchKernelsPerStep": t.get("cudaKernelsPerStep"),
            "fallbacksPerStep": c.get("fallbacksPerStep"),
            "boundBy": bound if (issue is not None or gpu is not None) else None,
        }
    return gap


def verdicts(report):
    """Issue 15's GPU targets, read off the steps; None where a step gave no number."""
    steps = report.get("steps", {})
    res = lambda name: (steps.get(name) or {}).get("results") or {}  # noqa: E731
    v = {}
    k = res("kernels")
    v["kernelsWithin1e-5"] = (k.get("failed", 1) == 0 and k.get("errors", 1) == 0) if "passed" in k and "skippedReason" not in k else None
    # bf16 autocast products (cuBLASLt on bf16 operands) against cpu products of host-rounded operands.
    bf16 = [c for c in k.get("cases") or [] if str(c.get("name", "")).startswith("bf16 autocast")]
    v["bf16KernelsWithin1e-5"] = all(c.get("status") == "ok" for c in bf16) if bf16 else None
    # The same kernels from NVRTC's cubin on the real driver (step kernels-nvrtc, one draw each).
    kn = res("kernels-nvrtc")
    source = ((kn.get("status") or {}).get("device") or {}).get("kernelSource")
    v["nvrtcKernelSource"] = source
    v["nvrtcKernelsWithin1e-5"] = (
        (kn.get("failed", 1) == 0 and kn.get("errors", 1) == 0 and source == "nvrtc")
        if "passed" in kn and "skippedReason" not in kn
        else None
    )
    o = res("oracle")
    v["oracleWithin1e-4"] = (o.get("failed", 1) == 0 and o.get("passed", 0) > 0) if "passed" in o and "skippedReason" not in o else None
    # bf16 autocast steps of the trained checkpoints against the FakeCudaDevice (oracle-check.mjs).
    ob = o.get("bf16") or {}
    v["bf16OracleVsFake"] = (ob.get("failed", 1) == 0 and ob.get("passed", 0) > 0) if "passed" in ob and "skippedReason" not in o else None
    # Whole Trainer runs on cuda against cpu (and, with dropout, against the FakeCudaDevice).
    tp = res("train-parity")
    v["trainParity"] = (tp.get("failed", 1) == 0 and tp.get("passed", 0) > 0) if "passed" in tp and "skippedReason" not in tp else None
    g = res("gemm")
    ratios = [r["ratio"] for r in g.get("rows", []) if r.get("ratio") is not None]
    v["gemmWorstRatio"] = min(ratios) if ratios else None
    v["gemmAtLeast0.9x"] = (min(ratios) >= 0.9) if ratios else None
    b = res("bert-step")
    v["bertStepRatios"] = b.get("ratios") or None
    v["bertStepAtLeast0.5x"] = all(r >= 0.5 for r in b["ratios"].values()) if b.get("ratios") else None
    fallbacks = [c.get("fallbacksPerStep") for c in (b.get("cuda") or {}).values() if isinstance(c, dict) and "fallbacksPerStep" in c]
    v["bertStepFallbacksPerStep"] = max(fallbacks) if fallbacks else None
    # How busy the GPU is during a step (summed kernel time over wall time), ours and torch's:
    # well under 1 means the step waits on the host, not on the GPU.
    shares = {}
    for mode, c in (b.get("cuda") or {}).items():
        ours = (c or {}).get("gpuProfile") or {} if isinstance(c, dict) else {}
        theirs = (((b.get("torch") or {}).get("results") or {}).get(mode) or {}).get("gpuProfile") or {}
        if "shareOfStep" in ours or "shareOfStep" in theirs:
            shares[mode] = {"cuda": ours.get("shareOfStep"), "torch": theirs.get("shareOfStep")}
    v["bertStepGpuBusyShare"] = shares or None
    v["bertStepGap"] = bert_step_gap(b) or None
    # Device memory at the step's peak, ours (the allocator's peakBytesInUse over the timed steps)
    # next to torch.cuda.max_memory_allocated() over its own, per precision.
    memory = {}
    torch_runs = ((b.get("torch") or {}).get("results")) or {}
    for mode, c in (b.get("cuda") or {}).items():
        ours = c.get("stepPeakBytes") if isinstance(c, dict) else None
        theirs = (torch_runs.get(mode) or {}).get("maxMemoryBytes")
        if ours or theirs:
            memory[mode] = {"cuda": ours, "torch": theirs, "ratio": ours / theirs if ours and theirs else None}
    v["bertStepPeakMemory"] = memory or None
    t = res("trainer")
    v["trainerF1"] = t.get("eval_f1")
    v["trainerF1Reference"] = (t.get("reference") or {}).get("eval_f1")
    acc = res("accelerate")
    v["accelerateF1"] = acc.get("eval_f1")
    v["accelerateF1Reference"] = (acc.get("reference") or {}).get("eval_f1")
    return v


def cmd_lib_dirs(a):
    """Folders that hold libcuda, cuBLASLt and NVRTC here: this Python's nvidia/*/lib wheel folders
    (PyTorch's) and the driver's folder; colon-separated, for NER_CUDA_LIB_DIR."""
    import site

    sites = set()
    for p in list(sys.path) + (site.getsitepackages() if hasattr(site, "getsitepackages") else []):
        if p.endswith(("site-packages", "dist-packages")) and os.path.isdir(p):
            sites.add(p)
    dirs = []
    for s in sorted(sites):
        dirs += sorted(glob.glob(os.path.join(s, "nvidia", "*", "lib")))
    ok, text = run(["ldconfig", "-p"])
    found = [line.split("=>")[-1].strip() for line in text.splitlines() if "libcuda.so.1" in line] if ok else []
    candidates = [os.path.dirname(f) for f in found] + ["/usr/local/nvidia/lib64", "/usr/lib/x86_64-linux-gnu", "/usr/lib64"]
    for d in candidates:
        if os.path.exists(os.path.join(d, "libcuda.so.1")):
            dirs.append(d)
            break
    seen = []
    for d in dirs:
        if d not in seen and any(n.endswith((".so", ".so.1")) or ".so." in n for n in os.listdir(d)):
            seen.append(d)
    print(":".join(seen))


def cmd_finish(a):
    report = load(a.report)
    report["seconds"] = a.seconds
    report["summary"] = {name: s.get("status") for name, s in report.get("steps", {}).items()}
    report["targets"] = verdicts(report)
    fake = (((report.get("steps", {}).get("probe") or {}).get("results") or {}).get("status") or {}).get("fake")
    if fake:
        report["NOT_A_GPU_RESULT"] = fake
    save(a.report, report)
    print(json.dumps({"summary": report["summary"], "targets": report["targets"]}, indent=1))


def merged_step_wins(earlier, later):
    """A later run's step replaces an earlier one, unless the later one did not run and the earlier did."""
    if earlier is None:
        return True
    return later.get("status") != "skipped" or earlier.get("status") == "skipped"


def cmd_merge(a):
    """Several reports of one check (a first run, then a rerun of the steps that failed or ran out of
    budget after a fix) as one: each step from the last run that ran it, marked with that run's
    number; each run's date, commit, device and the steps taken from it under "runs"; the verdicts
    read again off the merged steps. Ratios stay within one step, so within one run."""
    reports = [load(path) for path in a.reports]
    merged = {key: value for key, value in reports[0].items() if key not in ("summary", "targets", "seconds")}
    merged["command"] = "tools/gpu-check/report.py merge of " + ", ".join(os.path.basename(p) for p in a.reports)
    merged["steps"] = {}
    merged["errors"] = []
    runs = []
    for number, report in enumerate(reports, start=1):
        runs.append(
            {
                "run": number,
                "file": os.path.basename(a.reports[number - 1]),
                "date": report.get("date"),
                "host": report.get("host"),
                "git": report.get("git"),
                "device": report.get("device"),
                "budgetSeconds": report.get("budgetSeconds"),
                "seconds": report.get("seconds"),
                "steps": [],
            }
        )
        merged["errors"] += [f"run {number}: {e}" for e in report.get("errors") or []]
        for name, step in (report.get("steps") or {}).items():
            if merged_step_wins(merged["steps"].get(name), step):
                merged["steps"][name] = {**step, "run": number}
        if report.get("NOT_A_GPU_RESULT"):
            merged["NOT_A_GPU_RESULT"] = report["NOT_A_GPU_RESULT"]
    for name, step in merged["steps"].items():
        runs[step["run"] - 1]["steps"].append(name)
    merged["runs"] = runs
    last = reports[-1]
    merged["date"], merged["device"], merged["git"] = last.get("date"), last.get("device"), last.get("git")
    # An H100 one call and an H200 the next can happen (the device tool picks): say so.
    gpus = {str((r.get("device") or {}).get("gpu")) for r in reports}
    merged["devicesDiffer"] = len(gpus) > 1
    merged["seconds"] = sum(r.get("seconds") or 0 for r in reports)
    merged["summary"] = {name: s.get("status") for name, s in merged["steps"].items()}
    merged["targets"] = verdicts(merged)
    save(a.out, merged)
    print(json.dumps({"summary": merged["summary"], "runs": [{k: r[k] for k in ("run", "date", "steps")} for r in runs]}, indent=1))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("init")
    s.add_argument("report")
    s.add_argument("--manifest", required=True)
    s.add_argument("--budget", type=int, default=0)
    s = sub.add_parser("env")
    s.add_argument("report")
    s.add_argument("--node", default="")
    s.add_argument("--fatbin", default="")
    s = sub.add_parser("step")
    s.add_argument("report")
    s.add_argument("name")
    s.add_argument("--rc", type=int, default=0)
    s.add_argument("--seconds", type=float, default=0)
    s.add_argument("--limit", type=int, default=0)
    s.add_argument("--result")
    s.add_argument("--output")
    s.add_argument("--skipped")
    s = sub.add_parser("get")
    s.add_argument("report")
    s.add_argument("path")
    s = sub.add_parser("trainer-result")
    s.add_argument("log")
    s.add_argument("outdir")
    s.add_argument("--reference")
    s.add_argument("--skipped-reason")
    s = sub.add_parser("accelerate-result")
    s.add_argument("log")
    s.add_argument("outdir")
    s.add_argument("--reference")
    s.add_argument("--stamp", help="the command that made a reference run (recorded with date and machine)")
    sub.add_parser("lib-dirs")
    s = sub.add_parser("finish")
    s.add_argument("report")
    s.add_argument("--seconds", type=float, default=0)
    s = sub.add_parser("merge")
    s.add_argument("reports", nargs="+")
    s.add_argument("--out", required=True)
    a = p.parse_args()
    {
        "init": cmd_init,
        "env": cmd_env,
        "step": cmd_step,
        "get": cmd_get,
        "trainer-result": cmd_trainer_result,
        "accelerate-result": cmd_accelerate_result,
        "finish": cmd_finish,
        "lib-dirs": cmd_lib_dirs,
        "merge": cmd_merge,
    }[a.cmd](a)


if __name__ == "__main__":
    main()
