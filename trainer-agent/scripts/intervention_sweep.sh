#!/usr/bin/env bash
# Runs GRPO, KL-Cov and Clip-Cov with `--preset tiny` on several seeds, one run at a time, then
# prints the table of trainer-agent/README.md (intervention_table.py). Rerunnable: a run whose
# JSONL is complete (it holds the last step's validation) is not run again.
#
# Usage: trainer-agent/scripts/intervention_sweep.sh [OUT_DIR] [SEEDS...]
#   env: SENTINEL (the command, default ./sentinel), STEPS (default 150), METHODS (default "grpo kl-cov clip-cov"), EXTRA (more train flags,
#        e.g. "--kl-coef 2" to try a setting), THREADS (default 1), SENTINEL_JAVA_OPTS (default -Xmx1g)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/trainer-agent/target/intervention-sweep}"
shift || true

[[ $# -gt 0 ]] && seeds=("$@") || seeds=(7 8 9)
steps="${STEPS:-150}"
methods="${METHODS:-grpo kl-cov clip-cov}"
export SENTINEL_JAVA_OPTS="${SENTINEL_JAVA_OPTS:--Xmx1g}"
mkdir -p "$out"
for seed in "${seeds[@]}"; do
  for method in $methods; do
    file="$out/$method-seed$seed${EXTRA:+-$(echo "$EXTRA" | tr -c 'a-zA-Z0-9.\n' '_')}.jsonl"
    if [[ -f "$file" ]] && grep -q "\"step\":$((steps - 1)),[^}]*\"benchmark\"" "$file"; then
      echo "done already: $file" >&2
      continue
    fi
    echo "$(date -u +%H:%M:%S) $method seed $seed -> $file (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    # shellcheck disable=SC2086
    ${SENTINEL:-"$root/sentinel"} train --method "$method" --preset tiny --seed "$seed" --steps "$steps" --threads "${THREADS:-1}" \
      --out "$file" ${EXTRA:-} 2> "${file%.jsonl}.log"
  done
done
python3 "$root/trainer-agent/scripts/intervention_table.py" "$out"/*.jsonl
