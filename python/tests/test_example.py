"""The worked example runs as a script (with 2 simulated subjects per problem)."""

import os
import pathlib
import subprocess
import sys

import fastslow

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "dual_stream_shj.py"


def test_dual_stream_shj_example(source, cache, tmp_path):
    env = dict(os.environ, FASTSLOW_EXAMPLE_RUNS="2", FASTSLOW_CACHE=str(cache), MPLBACKEND="Agg",
               TMPDIR=str(tmp_path))
    env.pop("DISPLAY", None)
    # The example imports the fastslow these tests import, installed or not.
    package = str(pathlib.Path(fastslow.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package, env.get("PYTHONPATH")) if p)
    proc = subprocess.run([sys.executable, str(EXAMPLE)], cwd=source, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "SSE of the total stream against the humans" in proc.stdout
    assert "ordinal adequacy:" in proc.stdout
    assert "SSE: lr_dnn 0.0075:" in proc.stdout
    if "plot in" in proc.stdout:
        assert list(tmp_path.glob("fastslow-*/shj_vs_humans.png"))
