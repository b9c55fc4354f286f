#!/usr/bin/env python3
"""Stand-in for a verl job in Sentinel's tests: prints a real verl console log line by line.

Usage: verl_standin.py LOG [hydra overrides...] [--delay-ms=N] [--child-pid-file=F] [--times-file=F] [--ignore-term]

Behaves like `python -m verl.trainer.main_ppo` where it matters to the sidecar (integrations.md):
- stdout carries the log as the driver prints it (Ray prefixes, ANSI colours, config noise);
  a few lines also go to stderr, as Ray's warnings do;
- no signal handler: SIGTERM/SIGINT end it at once, without a checkpoint;
- every trainer.save_freq steps it "saves a checkpoint": <trainer.default_local_dir>/global_step_N/
  and then latest_checkpointed_iteration.txt = N;
- it stops after trainer.total_training_steps (when given);
- with --ignore-term it ignores SIGTERM (a hung job: only SIGKILL ends it);
- with --times-file it appends "step epoch_ns" after printing each step line (for latency figures);
- with --child-pid-file it starts a child process (like Ray workers) and writes the child's pid,
  so a test can check that a signal to the process group reaches children too.
"""
import os
import re
import subprocess
import sys
import time

args = sys.argv[1:]
log = args[0]
overrides = dict(a.split("=", 1) for a in args[1:] if "=" in a and not a.startswith("--"))
flags = {}
rest = [a for a in args[1:] if a.startswith("--")]
for a in rest:
    k, _, v = a[2:].partition("=")
    flags[k] = v
delay = int(flags.get("delay-ms", "0")) / 1000.0
total = int(overrides.get("trainer.total_training_steps", "0") or 0)
save_freq = int(overrides.get("trainer.save_freq", "0") or 0)
ckpt = overrides.get("trainer.default_local_dir")

if "ignore-term" in flags:
    import signal
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
times = open(flags["times-file"], "a") if "times-file" in flags else None

if "child-pid-file" in flags:
    child = subprocess.Popen([sys.executable, "-c", "import time\nwhile True: time.sleep(1)"])
    with open(flags["child-pid-file"], "w") as f:
        f.write(str(child.pid))

step_re = re.compile(r"step:(\d+) - ")
with open(log, "rb") as f:
    for raw in f:
        line = raw.decode("utf-8", "replace").rstrip("\n")
        m = step_re.search(line)
        step = int(m.group(1)) if m else None
        if step is not None and total and step > total:
            break
        if "WARNING" in line or "Warning" in line:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()
        else:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()
        if step is not None:
            if times:
                times.write("%d %d\n" % (step, time.time_ns()))
                times.flush()
            if save_freq and ckpt and step > 0 and step % save_freq == 0:
                os.makedirs(os.path.join(ckpt, "global_step_%d" % step), exist_ok=True)
                tmp = os.path.join(ckpt, "latest_checkpointed_iteration.txt.tmp")
                with open(tmp, "w") as c:
                    c.write(str(step))
                os.replace(tmp, os.path.join(ckpt, "latest_checkpointed_iteration.txt"))
            time.sleep(delay)
