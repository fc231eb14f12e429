"""Shared fixtures: the source tree, a fresh build cache, tiny runs of every model."""

import pathlib

import pytest

import fastslow

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODELS = fastslow.MODELS


@pytest.fixture(scope="session")
def source():
    if not (ROOT / "go.work").is_file():
        pytest.skip(f"the tests run from the source tree (no go.work in {ROOT})")
    return ROOT


@pytest.fixture(scope="session", autouse=True)
def cache(tmp_path_factory):
    """Every test session builds the commands afresh into its own cache."""
    mp = pytest.MonkeyPatch()
    folder = tmp_path_factory.mktemp("cache")
    mp.setenv("FASTSLOW_CACHE", str(folder))
    mp.delenv("FASTSLOW_SOURCE", raising=False)
    yield folder
    mp.undo()


@pytest.fixture(scope="session")
def runs(source, tmp_path_factory):
    """One tiny results folder per model (2 runs × 3 blocks, with traces)."""
    base = tmp_path_factory.mktemp("runs")
    return {m: fastslow.run(m, runs=2, blocks=3, trace=True, out=base / m, source=source) for m in MODELS}


@pytest.fixture(scope="session")
def dual_shj(source, tmp_path_factory):
    """A dual stream on the six SHJ problems (multi-unit clustering + DNN)."""
    out = tmp_path_factory.mktemp("dual") / "config1_multi"
    return fastslow.run("dualstream", config=source / "configs/dualstream/config1_multi.toml",
                        runs=2, blocks=3, out=out, source=source)
