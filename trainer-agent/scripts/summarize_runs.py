#!/usr/bin/env python3
"""Summarises `sentinel train --out FILE` runs (JSON lines): entropy curve, validation scores,
the entropy-performance law R = -a*exp(H) + b fitted by closed-form least squares of the
validation score on exp(H), and the correlation of predicted (Lemma 1) vs measured entropy change.

Pairing: an eval record validates the policy after the step records seen before it (the first
eval, before any step, the initial policy). The entropy paired with it is the mean rollout
entropy of that policy's own step record and its neighbours, steps [n - W, n + W] (W = --window,
clipped to the run), where n = the number of step records before the eval.

Usage: summarize_runs.py [--window 2] [--fit-first FRACTION] RUN.jsonl [RUN.jsonl ...]
"""
import json
import math
import sys


def load(path):
    steps, evals = [], []
    with open(path) as f:
        for line in f:
            rec = json.loads(line)
            if rec["type"] == "step-stats":
                r = rec["record"]
                steps.append(r)
            elif rec["type"] == "eval":
                evals.append((len(steps), rec["record"]))
    return steps, evals


def entropy(r):
    return r["entropySum"] / r["tokenCount"] if r["tokenCount"] else 0.0


def fit(xs, ys):
    """OLS of y on x: returns (slope, intercept, r2)."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    syy = sum((y - my) ** 2 for y in ys)
    slope = sxy / sxx if sxx else 0.0
    intercept = my - slope * mx
    r2 = (sxy * sxy / (sxx * syy)) if sxx and syy else float("nan")
    return slope, intercept, r2


def corr(xs, ys):
    return math.copysign(math.sqrt(fit(xs, ys)[2]), fit(xs, ys)[0]) if len(xs) > 2 else float("nan")


def summarize(path, window, fit_first):
    steps, evals = load(path)
    h = [entropy(s) for s in steps]
    method = steps[0]["method"] if steps else "?"
    params = {k: v for k, v in steps[0]["methodParams"].items() if k not in ("globalCovScope", "learningRate")} if steps else {}
    print(f"== {path}: {method} {params}, {len(steps)} steps")
    marks = [m for m in (0, 10, 25, 50, 75, 100, 150, 200) if m < len(h)] + [len(h) - 1]
    print("   entropy  " + "  ".join(f"@{m}:{h[m]:.3f}" for m in sorted(set(marks))))
    last10 = h[-10:]
    after = h[10:] or h
    print(f"   entropy mean of last 10 steps: {sum(last10) / len(last10):.3f}; mean over steps 10..end: {sum(after) / len(after):.3f}")
    if steps and "detachedCount" in steps[0]:
        det = sum(s["detachedCount"] for s in steps) / max(1, sum(s["tokenCount"] for s in steps))
        pen = sum(s["penalizedCount"] for s in steps) / max(1, sum(s["tokenCount"] for s in steps))
        print(f"   detached fraction {det:.4f}, penalised fraction {pen:.4f} (last-epoch tokens)")
    scores = [(n, e["step"], e["score"]) for n, e in evals]
    print("   validation mean@k  " + "  ".join(f"@{s}:{v:.3f}" for _, s, v in scores))
    print(f"   final {scores[-1][2]:.3f}, best {max(v for _, _, v in scores):.3f}")
    xs, ys = [], []
    for n, _, v in scores:
        lo, hi = max(0, n - window), min(len(h) - 1, n + window)
        xs.append(math.exp(sum(h[lo:hi + 1]) / (hi - lo + 1)))
        ys.append(v)
    slope, b, r2 = fit(xs, ys)
    print(f"   law R = -a*exp(H) + b on all {len(xs)} evals: a={-slope:.3f} b={b:.3f} R^2={r2:.3f} (ceiling b-a={b + slope:.3f})")
    k = max(3, int(math.ceil(fit_first * len(xs))))
    if k < len(xs):
        s1, b1, r21 = fit(xs[:k], ys[:k])
        rmse = math.sqrt(sum((y - (s1 * x + b1)) ** 2 for x, y in zip(xs[k:], ys[k:])) / (len(xs) - k))
        print(f"   law fitted on the first {k} evals: a={-s1:.3f} b={b1:.3f}; RMSE on the rest {rmse:.3f}")
    pred = [s["entropyChangePredicted"] for s in steps]
    meas = [s["entropyChangeMeasured"] for s in steps]
    print(f"   corr(predicted dH, measured dH) over {len(steps)} steps: {corr(pred, meas):.3f};"
          f" mean predicted {sum(pred) / len(pred):.4f}, measured {sum(meas) / len(meas):.4f}")


def main(argv):
    window, fit_first, paths = 2, 0.3, []
    i = 0
    while i < len(argv):
        if argv[i] == "--window":
            window = int(argv[i + 1]); i += 2
        elif argv[i] == "--fit-first":
            fit_first = float(argv[i + 1]); i += 2
        else:
            paths.append(argv[i]); i += 1
    if not paths:
        print(__doc__)
        return 2
    for p in paths:
        summarize(p, window, fit_first)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
