#!/usr/bin/python3
"""Writes test/fixtures/sklearn-cases.json: generated classification cases and what
scikit-learn returns for them (values, errors and warnings).

Run with Debian's scikit-learn (`apt-get install -y python3-sklearn`, 1.2.1 on
bookworm) from the package folder:

    /usr/bin/python3 scripts/make-sklearn-fixture.py

Calls are written with the TypeScript function and option names of @ner/evaluate
(camelCase); this script maps them to scikit-learn's. Floats that JSON cannot hold
are written as the strings "nan", "inf" and "-inf".
"""

import json
import math
import random
import sys
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn import metrics

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "sklearn-cases.json"

FUNCTIONS = {
    "accuracyScore": metrics.accuracy_score,
    "precisionRecallFscoreSupport": metrics.precision_recall_fscore_support,
    "precisionScore": metrics.precision_score,
    "recallScore": metrics.recall_score,
    "f1Score": metrics.f1_score,
    "fbetaScore": metrics.fbeta_score,
    "confusionMatrix": metrics.confusion_matrix,
    "classificationReport": metrics.classification_report,
}
# Which case-level options each function takes.
TAKES_LABELS = {"precisionRecallFscoreSupport", "precisionScore", "recallScore", "f1Score", "fbetaScore",
                "confusionMatrix", "classificationReport"}
TAKES_POS_LABEL = {"precisionRecallFscoreSupport", "precisionScore", "recallScore", "f1Score", "fbetaScore"}
OPTION_NAMES = {
    "average": "average", "beta": "beta", "labels": "labels", "posLabel": "pos_label",
    "sampleWeight": "sample_weight", "zeroDivision": "zero_division", "normalize": "normalize",
    "digits": "digits", "outputDict": "output_dict", "targetNames": "target_names", "warnFor": "warn_for",
}


def plain(value):
    """numpy / Python result -> JSON-able value, floats that JSON lacks as strings."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
    return value


def run_call(y_true, y_pred, fn, options):
    kwargs = {OPTION_NAMES[k]: (tuple(v) if k == "warnFor" else v) for k, v in options.items()}
    if kwargs.get("beta") == "inf":  # JSON has no infinity; the test decodes it the same way
        kwargs["beta"] = math.inf
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = {"result": plain(FUNCTIONS[fn](y_true, y_pred, **kwargs))}
        except Exception as error:  # recorded: the TypeScript side must throw the same class
            result = {"error": type(error).__name__, "message": str(error)}
    seen = []
    for w in caught:
        entry = {"category": w.category.__name__, "message": str(w.message)}
        # numpy's RuntimeWarnings name numpy internals; only sklearn's are compared.
        if entry["category"] != "RuntimeWarning" and entry not in seen:
            seen.append(entry)
    result["warnings"] = seen
    return {"fn": fn, "options": options, **result}


def standard_calls(binary):
    calls = [("accuracyScore", {}), ("accuracyScore", {"normalize": False})]
    averages = [None, "micro", "macro", "weighted"] + (["binary"] if binary else [])
    for average in averages:
        for zero_division in ["warn", 0, 1]:
            calls.append(("precisionRecallFscoreSupport", {"average": average, "zeroDivision": zero_division}))
    calls.append(("precisionRecallFscoreSupport", {"average": "macro", "beta": 0.5}))
    calls.append(("precisionRecallFscoreSupport", {"average": None, "beta": 2, "warnFor": ["recall"]}))
    for fn in ["precisionScore", "recallScore", "f1Score"]:
        for average in averages:
            calls.append((fn, {"average": average}))
        calls.append((fn, {"average": "weighted", "zeroDivision": 1}))
    calls.append(("fbetaScore", {"beta": 2, "average": "macro"}))
    calls.append(("fbetaScore", {"beta": 0.5, "average": None, "zeroDivision": 1}))
    for normalize in [None, "true", "pred", "all"]:
        calls.append(("confusionMatrix", {"normalize": normalize}))
    calls.append(("classificationReport", {}))
    calls.append(("classificationReport", {"digits": 4, "zeroDivision": 1}))
    calls.append(("classificationReport", {"outputDict": True}))
    return calls


def make_case(name, y_true, y_pred, common=None, extra=(), binary=None):
    common = common or {}
    if binary is None:
        binary = len(set(y_true) | set(y_pred)) <= 2
    results = []
    for fn, options in list(standard_calls(binary)) + list(extra):
        merged = dict(options)
        if "sampleWeight" in common:
            merged["sampleWeight"] = common["sampleWeight"]
        if "labels" in common and fn in TAKES_LABELS:
            merged["labels"] = common["labels"]
        if "posLabel" in common and fn in TAKES_POS_LABEL:
            merged["posLabel"] = common["posLabel"]
        results.append(run_call(y_true, y_pred, fn, merged))
    return {"name": name, "yTrue": y_true, "yPred": y_pred, "calls": results}


def noisy(rng, y_true, classes, accuracy):
    return [y if rng.random() < accuracy else rng.choice(classes) for y in y_true]


def generate():
    rng = random.Random(20)
    cases = []
    # Binary ints, a few sizes and accuracies.
    for i, (n, acc) in enumerate([(10, 0.7), (37, 0.5), (64, 0.9), (200, 0.6)]):
        y_true = [rng.randint(0, 1) for _ in range(n)]
        cases.append(make_case(f"binary-{i}", y_true, noisy(rng, y_true, [0, 1], acc)))
    y_true = [rng.randint(0, 1) for _ in range(30)]
    y_pred = noisy(rng, y_true, [0, 1], 0.6)
    cases.append(make_case("binary-pos-label-0", y_true, y_pred, {"posLabel": 0}))
    cases.append(make_case("binary-pos-label-absent", [0, 0, 0, 0], [0, 0, 0, 0], {"posLabel": 1}))
    cases.append(make_case("binary-pos-label-invalid", y_true, y_pred, {"posLabel": 2}))
    y_true = [rng.choice([-1, 1]) for _ in range(25)]
    cases.append(make_case("binary-minus-one-one", y_true, noisy(rng, y_true, [-1, 1], 0.6)))
    y_true = [rng.choice(["neg", "pos"]) for _ in range(25)]
    y_pred = noisy(rng, y_true, ["neg", "pos"], 0.7)
    cases.append(make_case("binary-strings-pos", y_true, y_pred, {"posLabel": "pos"}))
    cases.append(make_case("binary-strings-default-pos-label", y_true, y_pred))
    # Multiclass, including more than 8 classes (numpy's pairwise sums) and > 128 samples.
    for i, (k, n, acc) in enumerate([(3, 20, 0.6), (4, 50, 0.5), (6, 90, 0.7), (12, 300, 0.4), (5, 8, 0.3)]):
        classes = list(range(k))
        y_true = [rng.choice(classes) for _ in range(n)]
        cases.append(make_case(f"multiclass-{i}", y_true, noisy(rng, y_true, classes, acc)))
    # beta = infinity (F is recall) and 0 (F is precision).
    y_true = [rng.choice([0, 1, 2]) for _ in range(25)]
    cases.append(make_case("fbeta-extremes", y_true, noisy(rng, y_true, [0, 1, 2], 0.5), extra=[
        ("fbetaScore", {"beta": "inf", "average": None}),
        ("fbetaScore", {"beta": "inf", "average": "weighted"}),
        ("fbetaScore", {"beta": 0, "average": "macro"}),
        ("precisionRecallFscoreSupport", {"beta": 0, "average": None}),
    ]))
    # Binary average with a labels option: scikit-learn scores [pos_label] and ignores labels.
    y_true = [rng.randint(0, 1) for _ in range(20)]
    cases.append(make_case("binary-with-labels", y_true, noisy(rng, y_true, [0, 1], 0.6), {"labels": [0]}))
    # Non-contiguous integer labels (confusion matrix index conversion).
    y_true = [rng.choice([2, 5, 9]) for _ in range(30)]
    cases.append(make_case("multiclass-sparse-ids", y_true, noisy(rng, y_true, [2, 5, 9], 0.5)))
    # Missing classes: one never predicted, one never true.
    y_true = [rng.choice([0, 1, 2]) for _ in range(30)]
    y_pred = [rng.choice([0, 1, 3]) if y == 2 else y for y in y_true]
    cases.append(make_case("missing-classes", y_true, y_pred))
    # Zero-division edges.
    cases.append(make_case("all-negative", [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]))
    cases.append(make_case("never-predicted-positive", [0, 1, 1, 0, 1], [0, 0, 0, 0, 0]))
    cases.append(make_case("never-true-positive", [0, 0, 0, 0], [0, 1, 1, 0]))
    cases.append(make_case("single-class-one", [1, 1, 1], [1, 1, 1]))
    cases.append(make_case("all-wrong", [0, 1, 1], [1, 0, 0]))
    cases.append(make_case("all-wrong-multiclass", [0, 1, 2, 2], [1, 2, 0, 0]))
    cases.append(make_case("empty", [], []))
    # Labels subsets, order, absent labels, duplicates, empty.
    y_true = [rng.choice([0, 1, 2, 3]) for _ in range(40)]
    y_pred = noisy(rng, y_true, [0, 1, 2, 3], 0.5)
    cases.append(make_case("labels-subset", y_true, y_pred, {"labels": [0, 2]}))
    cases.append(make_case("labels-reordered", y_true, y_pred, {"labels": [3, 1, 0, 2]}))
    cases.append(make_case("labels-with-absent", y_true, y_pred, {"labels": [1, 7, 2]}))
    cases.append(make_case("labels-all-absent", y_true, y_pred, {"labels": [7, 8]}))
    cases.append(make_case("labels-duplicated", y_true, y_pred, {"labels": [0, 0, 1]},
                           extra=[], binary=False))
    cases.append(make_case("labels-empty", y_true, y_pred, {"labels": []}))
    # String labels, sorted by code point (upper case before lower case, then non-ASCII).
    classes = ["cat", "dog", "Zebra", "émeu", "bird"]
    y_true = [rng.choice(classes) for _ in range(45)]
    y_pred = noisy(rng, y_true, classes, 0.5)
    cases.append(make_case("strings-multiclass", y_true, y_pred))
    cases.append(make_case("strings-labels-subset", y_true, y_pred, {"labels": ["dog", "cat", "unicorn"]}))
    # Sample weights: floats, integers, zeros, all zero.
    for i, (k, n) in enumerate([(2, 20), (3, 40), (10, 260)]):
        classes = list(range(k))
        y_true = [rng.choice(classes) for _ in range(n)]
        weights = [round(rng.uniform(0.05, 3.0), rng.choice([1, 3, 17])) for _ in range(n)]
        cases.append(make_case(f"weights-float-{i}", y_true, noisy(rng, y_true, classes, 0.6),
                               {"sampleWeight": weights}))
    y_true = [rng.choice([0, 1, 2]) for _ in range(30)]
    weights = [rng.randint(0, 4) for _ in range(30)]
    cases.append(make_case("weights-int-with-zeros", y_true, noisy(rng, y_true, [0, 1, 2], 0.6),
                           {"sampleWeight": weights}))
    cases.append(make_case("weights-all-zero", [0, 1, 1, 2], [0, 1, 2, 2], {"sampleWeight": [0, 0, 0, 0]}))
    cases.append(make_case("weights-strings", ["a", "b", "b", "c"], ["a", "c", "b", "c"],
                           {"sampleWeight": [0.5, 1e-7, 2.25, 1.0]}))
    # Report options: target names and digits.
    y_true = [rng.choice([0, 1, 2]) for _ in range(30)]
    y_pred = noisy(rng, y_true, [0, 1, 2], 0.6)
    cases.append(make_case("report-options", y_true, y_pred, extra=[
        ("classificationReport", {"targetNames": ["negative", "neutral", "a-much-longer-name"]}),
        ("classificationReport", {"targetNames": ["x", "y"]}),
        ("classificationReport", {"labels": [0, 1], "targetNames": ["x", "y", "z"]}),
        ("classificationReport", {"labels": [2, 0, 1], "targetNames": ["two", "zero", "one"], "outputDict": True}),
        ("classificationReport", {"digits": 0}),
        ("classificationReport", {"digits": 15}),
        ("classificationReport", {"digits": 3, "sampleWeight": [1.5] * 30}),
    ]))
    # Rounding ties in the report (0.125, 0.375 round half to even).
    cases.append(make_case("report-rounding-ties", [0] * 8 + [1] * 8, [0] + [1] * 7 + [1] * 3 + [0] * 5))
    # Errors sklearn raises before computing anything.
    cases.append(make_case("error-length-mismatch", [0, 1, 1], [0, 1]))
    cases.append(make_case("error-continuous", [0.5, 1.0, 0.0], [0, 1, 0]))
    cases.append(make_case("error-multiclass-bad-options", [0, 1, 2], [0, 2, 1], extra=[
        ("precisionRecallFscoreSupport", {"average": "samples"}),
        ("precisionRecallFscoreSupport", {"average": "binary"}),
        ("precisionRecallFscoreSupport", {"average": "average"}),
        ("precisionRecallFscoreSupport", {"average": "macro", "beta": -1}),
        ("precisionRecallFscoreSupport", {"average": "macro", "zeroDivision": 2}),
        ("precisionRecallFscoreSupport", {"average": "macro", "zeroDivision": "nan"}),
        ("precisionRecallFscoreSupport", {"average": "macro", "posLabel": 2}),
        ("precisionRecallFscoreSupport", {"average": None, "posLabel": "x"}),
        ("confusionMatrix", {"normalize": "rows"}),
        ("confusionMatrix", {"labels": []}),
        ("confusionMatrix", {"labels": [5, 6]}),
    ]))
    return cases


def main():
    cases = generate()
    document = {
        "generator": "packages/evaluate/scripts/make-sklearn-fixture.py",
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "cases": cases,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    calls = sum(len(c["calls"]) for c in cases)
    print(f"wrote {OUT} ({len(cases)} cases, {calls} calls, sklearn {sklearn.__version__})")


if __name__ == "__main__":
    main()
