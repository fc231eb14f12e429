import math
import tomllib

import numpy as np
import pytest

from fastslow import tomlw


@pytest.mark.parametrize("doc", [
    {"a": 1, "b": 2.5, "c": "x", "d": True, "e": [1, 2], "f": [0.5, 1e-05]},
    {"config_version": "c1", "fast_config": {"lr_nn": 0.001, "attn": "dimensional_local"},
     "slow_config": {"n_units": 25, "act_func": "relu"}},
    {"name": "s", "template": {"num_runs": 2, "fast_config": {"beta": 1.0}}, "fixed": {"num_runs": 4}},
    {"param": [{"key": "c", "min": 0.1, "max": 20.0}, {"key": "phi", "min": 0.1, "max": 20.0, "scale": "log"}]},
    {"s": 'quote " backslash \\ tab \t newline \n bell \x07 ümlaut'},
    {"big": 1e100, "small": 5e-324, "neg": -0.0, "whole": 10.0, "int": -7, "nested": [[1, 2], [3]]},
    {"empty": {}, "list": [], "inline": [{"a": 1}, 2]},
])
def test_round_trip(doc):
    assert tomllib.loads(tomlw.dumps(doc)) == doc


def test_types_survive():
    """Integers stay integers and whole floats stay floats: the Go loaders tell them apart."""
    back = tomllib.loads(tomlw.dumps({"n": 3, "x": 3.0, "y": 1e16}))
    assert type(back["n"]) is int and type(back["x"]) is float and type(back["y"]) is float


def test_special_floats():
    back = tomllib.loads(tomlw.dumps({"p": math.inf, "m": -math.inf, "n": math.nan}))
    assert back["p"] == math.inf and back["m"] == -math.inf and math.isnan(back["n"])


def test_dotted_keys_are_key_paths():
    text = tomlw.dumps({"grid": {"fast_config.lr_nn": [0.001, 0.01], "odd key": [1]}})
    assert "fast_config.lr_nn = [0.001, 0.01]" in text
    assert tomllib.loads(text) == {"grid": {"fast_config": {"lr_nn": [0.001, 0.01]}, "odd key": [1]}}


def test_numpy_values():
    doc = {"a": np.float64(0.25), "b": np.int64(3), "c": np.array([1.5, 2.0]), "d": np.bool_(True)}
    assert tomllib.loads(tomlw.dumps(doc)) == {"a": 0.25, "b": 3, "c": [1.5, 2.0], "d": True}


@pytest.mark.parametrize("doc, want", [
    ({"a": {"b": None}}, "a.b: None has no TOML form"),
    ({"a": object()}, "a: a object has no TOML form"),
    ({1: 2}, "TOML key 1: want a non-empty string"),
    ([1], "a TOML document is a dict"),
])
def test_errors(doc, want):
    with pytest.raises(TypeError, match=want):
        tomlw.dumps(doc)
