#!/usr/bin/env python3
"""The intervention table of trainer-agent/README.md from `sentinel train --out` runs.

Per run: token-mean rollout entropy over the last 20% of the steps (sum of entropySum / sum of
tokenCount), the final validation mean@k (the last eval record) and the mean of the last three
validations, and the number of skipped updates (must be 0). Per method (and setting, from the
file name `METHOD-seedN[-SETTING].jsonl`): mean ± sample sd over seeds, and the entropy as a
multiple of GRPO's on the same seeds.

Runs without the last step's validation (unfinished) are left out.

Usage: intervention_table.py RUN.jsonl [RUN.jsonl ...]
"""
import json
import math
import re
import statistics
import sys
from collections import defaultdict


def summarize(path):
    steps, evals, last_eval = [], [], -1
    with open(path) as f:
        for line in f:
            rec = json.loads(line)
            if rec["type"] == "step-stats":
                steps.append(rec["record"])
            elif rec["type"] == "eval":
                evals.append(rec["record"]["score"])
                last_eval = rec["record"]["step"]
    if not steps or not evals or last_eval != steps[-1]["step"]:
        return None  # unfinished: the last step's validation is missing
    n = max(s["step"] for s in steps) + 1
    tail = [s for s in steps if s["step"] >= math.floor(0.8 * n)]
    entropy = sum(s["entropySum"] for s in tail) / max(1, sum(s["tokenCount"] for s in tail))
    skipped = sum(s.get("skippedUpdates", 0) for s in steps)
    return {"steps": n, "entropy": entropy, "final": evals[-1], "last3": sum(evals[-3:]) / len(evals[-3:]),
            "skipped": skipped}


def fmt(values):
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f}"


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
    grpo = {seed: r for key, rs in runs.items() if key == "grpo" for seed, r in rs.items()}
    print("| method (setting) | seeds | steps | entropy, last 20% | × GRPO | final validation | last 3 validations | skipped |")
    print("|---|---|---|---|---|---|---|---|")
    for key in sorted(runs, key=lambda k: (k != "grpo", k)):
        rs = runs[key]
        seeds = sorted(rs)
        ratios = [rs[s]["entropy"] / grpo[s]["entropy"] for s in seeds if s in grpo]
        print(f"| {key} | {','.join(map(str, seeds))} | {rs[seeds[0]]['steps']} | {fmt([rs[s]['entropy'] for s in seeds])} "
              f"| {fmt(ratios) if ratios else '-'} | {fmt([rs[s]['final'] for s in seeds])} "
              f"| {fmt([rs[s]['last3'] for s in seeds])} | {sum(rs[s]['skipped'] for s in seeds)} |")
    print()
    print("| run | entropy, last 20% | × GRPO | final validation | skipped |")
    print("|---|---|---|---|---|")
    for key in sorted(runs, key=lambda k: (k != "grpo", k)):
        for seed in sorted(runs[key]):
            r = runs[key][seed]
            ratio = f"{r['entropy'] / grpo[seed]['entropy']:.2f}" if seed in grpo else "-"
            print(f"| {key}, seed {seed} | {r['entropy']:.3f} | {ratio} | {r['final']:.3f} | {r['skipped']} |")


if __name__ == "__main__":
    main(sys.argv[1:])
