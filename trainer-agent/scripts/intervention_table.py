#!/usr/bin/env python3
"""The intervention table of trainer-agent/README.md from `sentinel train --out` runs.

Per run: token-mean rollout entropy over the last 20% of the steps (sum of entropySum / sum of
tokenCount), validation scores and the number of skipped updates (must be 0). Validation, on the
held-out split, three ways (every eval record carries all three):

  greedy   accuracy of the greedy answer (temperature 0): what the policy knows, without sampling
           noise; the primary metric (trainer README says why)
  mean@k   expected accuracy of one sample at temperature 1, which falls with entropy by construction
  pass@k   at least one of k samples at temperature 1 correct

each as the mean of the last three validations (less noise than the last one alone) and, for
greedy and mean@k, the final one too.

Per method (and setting, from the file name `METHOD-seedN[-SETTING].jsonl`): mean ± sample sd over
seeds; the entropy as a multiple of GRPO's on the same seeds, and the validation as a difference
to GRPO's on the same seeds (Δ, mean ± sd over seeds; >= 0 means no worse).

Runs without the last step's validation (unfinished) are left out.

Usage: intervention_table.py RUN.jsonl [RUN.jsonl ...]
"""
import json
import math
import re
import statistics
import sys
from collections import defaultdict

SCORES = ("greedy", "mean", "pass")


def summarize(path):
    steps, evals, last_eval = [], [], -1
    with open(path) as f:
        for line in f:
            rec = json.loads(line)
            if rec["type"] == "step-stats":
                steps.append(rec["record"])
            elif rec["type"] == "eval":
                evals.append(rec["record"])
                last_eval = rec["record"]["step"]
    if not steps or not evals or last_eval != steps[-1]["step"]:
        return None  # unfinished: the last step's validation is missing
    n = max(s["step"] for s in steps) + 1
    tail = [s for s in steps if s["step"] >= math.floor(0.8 * n)]
    entropy = sum(s["entropySum"] for s in tail) / max(1, sum(s["tokenCount"] for s in tail))
    skipped = sum(s.get("skippedUpdates", 0) for s in steps)

    def metric(e, name):
        key = name if name == "greedy" else next(k for k in e["metrics"] if k.startswith(name + "@") and "/" not in k)
        return e["metrics"][key]

    out = {"steps": n, "entropy": entropy, "skipped": skipped}
    for name in SCORES:
        values = [metric(e, name) for e in evals]
        out[name + "_final"] = values[-1]
        out[name + "_last3"] = sum(values[-3:]) / len(values[-3:])
    return out


def fmt(values, digits=3, sign=False):
    spec = f"{'+' if sign else ''}.{digits}f"
    if len(values) == 1:
        return format(values[0], spec)
    return f"{format(statistics.mean(values), spec)} ± {statistics.stdev(values):.{digits}f}"


COLUMNS = [("greedy_last3", "greedy, last 3"), ("greedy_final", "greedy, final"), ("mean_last3", "mean@4, last 3"),
           ("mean_final", "mean@4, final"), ("pass_last3", "pass@4, last 3")]


def main(paths):
    runs = defaultdict(dict)
    for path in paths:
        m = re.search(r"([a-z-]+)-seed(\d+)(?:-(.*))?\.jsonl$", path)
        if not m:
            continue
        s = summarize(path)
        if s is None:
            continue
        key = m.group(1) + (" " + m.group(3).replace("_", " ").strip() if m.group(3) else "")
        runs[key][int(m.group(2))] = s
    grpo = runs.get("grpo", {})
    order = sorted(runs, key=lambda k: (k != "grpo", k))
    print("| method (setting) | seeds | steps | entropy, last 20% | × GRPO | "
          + " | ".join(title for _, title in COLUMNS) + " | skipped |")
    print("|---|---|---|---|---|" + "---|" * len(COLUMNS) + "---|")
    for key in order:
        rs = runs[key]
        seeds = sorted(rs)
        ratios = [rs[s]["entropy"] / grpo[s]["entropy"] for s in seeds if s in grpo]
        print(f"| {key} | {','.join(map(str, seeds))} | {rs[seeds[0]]['steps']} | {fmt([rs[s]['entropy'] for s in seeds])} "
              f"| {fmt(ratios, 2) if ratios else '-'} | "
              + " | ".join(fmt([rs[s][col] for s in seeds]) for col, _ in COLUMNS)
              + f" | {sum(rs[s]['skipped'] for s in seeds)} |")
    print()
    print("Difference to GRPO on the same seeds (Δ = method − GRPO; >= 0: no worse):")
    print()
    print("| method (setting) | seeds | " + " | ".join("Δ " + title for _, title in COLUMNS) + " |")
    print("|---|---|" + "---|" * len(COLUMNS))
    for key in order:
        if key == "grpo":
            continue
        seeds = [s for s in sorted(runs[key]) if s in grpo]
        if seeds:
            print(f"| {key} | {','.join(map(str, seeds))} | "
                  + " | ".join(fmt([runs[key][s][col] - grpo[s][col] for s in seeds], sign=True) for col, _ in COLUMNS) + " |")
    print()
    print("| run | entropy, last 20% | × GRPO | greedy, last 3 | mean@4, last 3 | pass@4, last 3 | skipped |")
    print("|---|---|---|---|---|---|---|")
    for key in order:
        for seed in sorted(runs[key]):
            r = runs[key][seed]
            ratio = f"{r['entropy'] / grpo[seed]['entropy']:.2f}" if seed in grpo else "-"
            print(f"| {key}, seed {seed} | {r['entropy']:.3f} | {ratio} | {r['greedy_last3']:.3f} | {r['mean_last3']:.3f} "
                  f"| {r['pass_last3']:.3f} | {r['skipped']} |")


if __name__ == "__main__":
    main(sys.argv[1:])
