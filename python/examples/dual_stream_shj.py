# %% [markdown]
# # A dual stream on the six SHJ problems, against Nosofsky et al. (1994)
#
# The fast learner (multi-unit clustering, Mok & Love 2023) and the slow deep
# network learn together, their logits adding up, on the six Shepard, Hovland
# & Jenkins problems. We compare the mean learning curves with the human
# curves of Nosofsky, Gluck, Palmeri, McKinley & Glauthier (1994): 16 blocks
# of 16 trials, each of the 8 stimuli twice per block (`passes=2`).
#
# Run it cell by cell in a notebook (VS Code, Jupyter with jupytext) or as a
# script from the clone: `python python/examples/dual_stream_shj.py`.

# %%
import os
import sys

import numpy as np

import fastslow

# 50 simulated subjects per problem take a few seconds; the tests run it with 2.
RUNS = int(os.environ.get("FASTSLOW_EXAMPLE_RUNS", 50))
source = fastslow.find_source()  # the clone: go.work and the model modules
human = fastslow.nosofsky1994()  # "shj1" … "shj6" → 16 blocks of mean p(error)

# %% [markdown]
# ## Run the dual stream
#
# `config1_multi` is the original's SHJ-era dual stream (multi-unit
# clustering + a 3-layer ReLU network). The config is a plain dict: read the
# file, change what you like, pass the dict.

# %%
import tomllib  # Python 3.11+; or pass the file path as config=

with open(source / "configs" / "dualstream" / "config1_multi.toml", "rb") as f:
    config = tomllib.load(f)

result = fastslow.run("dualstream", config=config, task="shj", runs=RUNS, blocks=16, passes=2,
                      nostate=True)
print(result)

# %% [markdown]
# ## Compare with the humans
#
# `per_task` gives each problem's mean curve of one stream ("total" is what
# the dual stream answers with). The sum of squared differences is catlearn's
# `ssecl`; the ordinal check is Shepard et al.'s I < II < III, IV, V < VI.

# %%
def sse(result, stream="total"):
    model = result.per_task(stream=stream)
    return sum(float(np.sum((model[t] - human[t]) ** 2)) for t in human)


for stream in ("fast", "slow", "total"):
    print(f"SSE of the {stream:5} stream against the humans: {sse(result, stream):.4f}")
oat = result.summary["shj_ordinal_adequacy"]
print("ordinal adequacy:", "passes" if oat["pass"] else "fails",
      " ".join(f"{e:.3f}" for e in oat["mean_error"]))

# %% [markdown]
# ## Plot
#
# Model (solid, with a band of ± one standard error over simulated subjects
# where the results folder has per-run curves) over the humans (dashed).

# %%
try:
    import matplotlib

    if not os.environ.get("DISPLAY") and "ipykernel" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    plt = None

if plt is None:
    print("matplotlib is not installed: the curves as numbers")
    for t, h in human.items():
        print(t, "model", np.round(result.per_task()[t], 3), "\n     human", h)
else:
    model = result.per_task()
    try:
        per_run = result.per_task(runs=True)
    except fastslow.FastslowError:
        per_run = None  # results of a version that writes only the means
    fig, ax = plt.subplots(figsize=(7, 4.5))
    blocks = np.arange(1, 17)
    for i, t in enumerate(human):
        colour = f"C{i}"
        ax.plot(blocks, model[t], "-", color=colour, label=f"Type {t[-1]}")
        ax.plot(blocks, human[t], "--o", color=colour, markersize=3, alpha=0.7)
        if per_run is not None:
            se = per_run[t].std(axis=0, ddof=1) / np.sqrt(per_run[t].shape[0])
            ax.fill_between(blocks, model[t] - se, model[t] + se, color=colour, alpha=0.2)
    ax.set_xlabel("block (16 trials)")
    ax.set_ylabel("p(error)")
    ax.set_title("dual stream (solid) vs Nosofsky et al. 1994 (dashed)")
    ax.legend(ncol=2)
    out = result.path.parent / "shj_vs_humans.png"  # beside the results folder, not in it
    fig.savefig(out, dpi=120, bbox_inches="tight")
    print("plot in", out)

# %% [markdown]
# ## Change a parameter
#
# A faster slow stream: double the network's learning rate and compare.

# %%
faster = {**config, "slow_config": {**config["slow_config"], "lr_dnn": 2 * config["slow_config"]["lr_dnn"]}}
other = fastslow.run("dualstream", config=faster, runs=RUNS, blocks=16, passes=2, nostate=True)
print(f"SSE: lr_dnn {config['slow_config']['lr_dnn']}: {sse(result):.4f}, "
      f"lr_dnn {faster['slow_config']['lr_dnn']}: {sse(other):.4f}")
