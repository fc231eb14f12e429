"""Times the original PyTorch code's trials for cmd/bench -original.

cmd/bench starts this script once per model with the folder of one of the
original's models as the working directory, writes one line to its stdin
per round ("anomaly" to run it with autograd's anomaly detection on, as
every main script of the original sets it, anything else without), and
reads one JSON line back per round.  The script imports the
original's own modules (models, train, utils of that folder), builds its
model class from its own config with its own load_config, and calls its
own train.fit on every trial, shuffling each block as the original's main
scripts do; nothing of the models is re-implemented here.  Only the trial
loop is timed (CPU and wall), after one untimed block in each mode; building
the model is timed apart.  The
original's prints go to /dev/null; replies go to the saved stdout.
"""

import argparse
import inspect
import json
import os
import sys
import time


def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", required=True, help="config_version, read by the original's load_config")
    p.add_argument("--model", required=True, help="class in the folder's models.py")
    p.add_argument("--task", required=True, choices=["shj", "new_stimuli"])
    p.add_argument("--runs", type=int, required=True, help="runs per round")
    p.add_argument("--blocks", type=int, required=True, help="blocks per run")
    p.add_argument("--seed", type=int, default=999)
    return p.parse_args(argv)


def main(argv):
    args = parse(argv)
    reply = sys.stdout
    sys.stdout = open(os.devnull, "w")  # the original prints on every trial
    sys.path.insert(0, os.getcwd())

    import numpy as np
    import torch

    torch.set_num_threads(1)
    import models
    import train
    import utils

    config = utils.load_config(args.config)
    build = getattr(models, args.model)
    if args.task == "shj":
        tasks = [utils.load_data(t) for t in range(1, 7)]
    else:
        if not os.path.exists("new_stimuli.npy"):  # else load_new_stimuli would write it here
            raise SystemExit(f"{os.getcwd()}: no new_stimuli.npy")
        tasks = [utils.load_new_stimuli()]
    takes = set(inspect.signature(train.fit).parameters)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)

    def send(d):
        reply.write(json.dumps(d) + "\n")
        reply.flush()

    def block(model, data, epoch):
        order = np.random.permutation(len(data))
        for i, j in enumerate(order):
            dp = data[j]
            kw = {"model": model, "x": torch.Tensor(dp[0]), "y_true": torch.Tensor(dp[1]),
                  "signature": dp[2], "epoch": epoch, "i": i}
            train.fit(**{k: v for k, v in kw.items() if k in takes})
        return len(order)

    for anomaly in (True, False):  # warm up, untimed: PyTorch's first calls set things up
        torch.autograd.set_detect_anomaly(anomaly)
        block(build(config=config), tasks[0], 0)

    send({"ready": True, "torch": torch.__version__, "python": sys.version.split()[0],
          "threads": torch.get_num_threads()})
    run = 0
    for line in sys.stdin:
        anomaly = line.strip() == "anomaly"  # as every main script of the original sets it
        torch.autograd.set_detect_anomaly(anomaly)
        trials, cpu, wall, build_cpu = 0, 0.0, 0.0, 0.0
        for _ in range(args.runs):
            data = tasks[run % len(tasks)]
            c0 = time.process_time()
            model = build(config=config)
            build_cpu += time.process_time() - c0
            c0, w0 = time.process_time(), time.perf_counter()
            for epoch in range(args.blocks):
                trials += block(model, data, epoch)
            cpu += time.process_time() - c0
            wall += time.perf_counter() - w0
            run += 1
        send({"trials": trials, "cpu": cpu, "wall": wall, "build_cpu": build_cpu,
              "runs": args.runs, "anomaly": anomaly})


if __name__ == "__main__":
    main(sys.argv[1:])
