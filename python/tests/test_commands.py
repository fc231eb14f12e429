"""run, sweep and fit through the Go commands, and the build cache."""

import os
import re
import shutil
import subprocess
import tempfile

import numpy as np
import pytest

import fastslow
from fastslow import CommandError, commands


@pytest.mark.parametrize("model", fastslow.MODELS)
def test_run_every_model(runs, model):
    r = runs[model]
    assert r.summary["model"] == model
    assert r.summary["runs"] == 2 and r.summary["blocks"] == 3
    assert all(c.shape == (3,) for c in r.per_task().values())


@pytest.mark.parametrize("model", fastslow.MODELS)
def test_config_round_trip(runs, source, tmp_path, model):
    """summary.json's config, passed back as a dict, runs the same model: the same curves to the bit."""
    first = runs[model]
    again = fastslow.run(model, config=first.summary["config"], runs=2, blocks=3, out=tmp_path / model,
                         source=source)
    assert again.summary["config"] == first.summary["config"]
    for task, lc in first.per_task().items():
        np.testing.assert_array_equal(again.per_task()[task], lc, err_msg=task)


def test_run_with_a_dict_config(runs, source, tmp_path):
    """A config from summary.json, changed in Python, runs as written."""
    config = dict(runs["clustering"].summary["config"])
    config["lr_clustering"] = config["lr_clustering"] * 2
    config["config_version"] = "doubled"
    r = fastslow.run("clustering", config=config, task="shj1", runs=2, blocks=3, seed=5,
                     out=tmp_path / "doubled", source=source)
    assert r.summary["config"]["lr_clustering"] == config["lr_clustering"]
    assert r.summary["random_seed"] == 5 and r.tasks == ["shj1"]
    assert r.path == tmp_path / "doubled"


def test_run_is_the_command(runs, source, tmp_path):
    """The same flags give the same curves as the command run by hand."""
    exe = fastslow.build("sustain", source)
    subprocess.run([exe, "-runs", "2", "-blocks", "3", "-trace", "-quiet", "-out", tmp_path / "by_hand"],
                   check=True, capture_output=True)
    by_hand = fastslow.load(tmp_path / "by_hand")
    for task, lc in runs["sustain"].per_task().items():
        np.testing.assert_array_equal(lc, by_hand.per_task()[task])


@pytest.mark.parametrize("config, want", [
    ({"config_version": "x", "bogus": 1}, 'unknown key "bogus"'),
    ({"config_version": "x", "lr_clustering": "fast"}, "lr_clustering"),
])
def test_bad_config_raises_with_the_message(source, tmp_path, config, want):
    with pytest.raises(CommandError, match=want) as err:
        fastslow.run("clustering", config=config, out=tmp_path / "bad", source=source)
    assert err.value.returncode != 0 and want in err.value.stderr
    assert err.value.command[1:3] == ["-config", err.value.command[2]] and "-out" in err.value.command
    assert not (tmp_path / "bad").exists()


def test_not_quiet_shows_the_report(source, tmp_path, capfd):
    """quiet=False shows what the command prints (its table of areas); errors still carry the message."""
    fastslow.run("sustain", task="shj1", runs=1, blocks=2, quiet=False, out=tmp_path / "s", source=source)
    assert "area" in capfd.readouterr().out
    with pytest.raises(CommandError, match='unknown key "bogus"'):
        fastslow.run("sustain", config={"bogus": 1}, quiet=False, out=tmp_path / "t", source=source)
    assert 'unknown key "bogus"' in capfd.readouterr().err


def test_failures_leave_no_temporary_folder(source, tmp_path, monkeypatch):
    """Without out, a failing command's temporary results folder goes again; a good one stays."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    for call in (lambda: fastslow.run("dnn", config={"bogus": 1}, source=source),
                 lambda: fastslow.run("dnn", config=tmp_path / "missing.toml", source=source),
                 lambda: fastslow.sweep(dict(SWEEP, grid={"nope": [1]}), source=source),
                 lambda: fastslow.fit({"model": "dnn"}, source=source)):
        with pytest.raises(fastslow.FastslowError):
            call()
        assert list(tmp_path.iterdir()) == []
    r = fastslow.run("dnn", task="shj1", runs=1, blocks=1, source=source)
    assert r.path.parent.parent == tmp_path and r.path.name == "dnn"


def test_bad_flag_and_model(source, tmp_path):
    with pytest.raises(CommandError, match="flag provided but not defined: -nonsense"):
        fastslow.run("dnn", nonsense=3, out=tmp_path / "x", source=source)
    with pytest.raises(fastslow.FastslowError, match="unknown model 'svm'"):
        fastslow.run("svm")
    with pytest.raises(fastslow.FastslowError, match="no such file"):
        fastslow.run("dnn", config=tmp_path / "missing.toml", source=source)


def test_models_are_the_tools_models(source):
    """MODELS is the Go tools' list of models (sweep run -model), each with its command."""
    help_text = subprocess.run([fastslow.build("sweep", source), "run", "-help"],
                               capture_output=True, text=True).stderr
    listed = re.search(r"the configs' model with -configs: ([a-z, ]+) \(default", help_text)
    assert listed, help_text
    assert sorted(fastslow.MODELS) == sorted(listed.group(1).split(", "))
    for command, package in commands.PACKAGES.items():
        assert (source / package / "main.go").is_file(), command


def test_binary_given(source, tmp_path):
    exe = shutil.copy(fastslow.build("alcove", source), tmp_path / "my-alcove")
    r = fastslow.run("alcove", task="shj2", runs=1, blocks=2, binary=exe, out=tmp_path / "a")
    assert r.tasks == ["shj2"]
    with pytest.raises(fastslow.FastslowError, match="no such file"):
        fastslow.run("alcove", binary=tmp_path / "none")


def test_build_once_per_revision(source, cache):
    exe = fastslow.build("dnn", source)
    assert exe.parent.parent == cache and exe.parent.name == commands.revision(source)
    before = exe.stat().st_mtime_ns
    assert fastslow.build("dnn", source) == exe and exe.stat().st_mtime_ns == before
    assert not [p for p in exe.parent.iterdir() if p.name.startswith(".")]


def test_build_stamps_the_revision(source, runs):
    """Binaries carry the source revision for provenance.json (-ldflags -X …provenance.Stamp)."""
    exe = fastslow.build("dnn", source)
    rev = commands.revision(source)
    stamp = rev.partition("-dirty-")[0] + ("+dirty" if "-dirty-" in rev else "")
    info = subprocess.run(["go", "version", "-m", exe], capture_output=True, text=True, check=True).stdout
    assert f"-X {commands._STAMP}={stamp}" in info
    assert runs["dnn"].provenance["revision"] == stamp


def test_revision_follows_the_tree(tmp_path):
    """Without git the revision is a hash of the tree's files (python/ and results/ aside)."""
    tree = tmp_path / "tree"
    (tree / "stream").mkdir(parents=True)
    (tree / "go.work").write_text("go 1.25\n")
    (tree / "stream" / "go.mod").write_text("module x\n")
    first = commands.revision(tree)
    (tree / "results").mkdir()
    (tree / "results" / "lc.npy").write_text("x")
    assert commands.revision(tree) == first
    (tree / "stream" / "a.go").write_text("package stream\n")
    assert commands.revision(tree) != first
    assert commands.find_source(tree) == tree


def test_revision_of_a_git_tree(tmp_path):
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    tree = tmp_path / "tree"
    (tree / "stream").mkdir(parents=True)
    (tree / "go.work").write_text("go 1.25\n")
    (tree / "stream" / "go.mod").write_text("module x\n")
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "x"]):
        subprocess.run([git, *args], cwd=tree, check=True, env=env, capture_output=True)
    head = subprocess.run([git, "rev-parse", "HEAD"], cwd=tree, capture_output=True, text=True).stdout.strip()
    assert commands.revision(tree) == head
    (tree / "python").mkdir()
    (tree / "python" / "notes.py").write_text("x = 1\n")
    assert commands.revision(tree) == head, "python/ does not change the binaries"
    (tree / "stream" / "go.mod").write_text("module y\n")
    dirty = commands.revision(tree)
    assert dirty.startswith(head + "-dirty-")
    (tree / "stream" / "new.go").write_text("package stream\n")
    assert commands.revision(tree) not in (head, dirty)


def test_find_source_errors(tmp_path, monkeypatch):
    with pytest.raises(fastslow.FastslowError, match="not the fastslow source tree"):
        commands.find_source(tmp_path)
    monkeypatch.setenv("FASTSLOW_SOURCE", str(tmp_path))
    with pytest.raises(fastslow.FastslowError, match="not the fastslow source tree"):
        commands.find_source()


SWEEP = {
    "name": "tiny",
    "model": "dualstream",
    "template": "configs/dualstream/config_dlMU_dnn_1.toml",
    "fixed": {"num_runs": 2, "num_blocks": 3},
    "grid": {"fast_config.lr_nn": [0.001, 0.025], "slow_config.lr_dnn": [0.1, 1e100]},
}


def test_sweep(source, tmp_path, monkeypatch):
    monkeypatch.chdir(source)  # the template's path is relative to the working folder
    r = fastslow.sweep(SWEEP, out=tmp_path / "sw", report="area", source=source)
    assert r.kind == "sweep"
    assert r.table.config.tolist() == [f"tiny_{n}" for n in range(1, 5)]
    assert r.table["fast_config.lr_nn"].tolist() == [0.001, 0.001, 0.025, 0.025]
    assert r.table.status.tolist() == ["done", "diverged", "done", "diverged"]
    assert r.tiny_1.kind == "dualstream" and r.tiny_2.kind == "diverged"
    assert r.tiny_3.config["fast_config"]["lr_nn"] == 0.025
    assert r.tiny_3.lc_total.shape == (3,)
    assert set(r.configs) == {f"tiny_{n}" for n in range(1, 5)}
    ranked = r.report_area
    assert sorted(ranked.config[ranked.status == "done"].tolist()) == ["tiny_1", "tiny_3"]


def test_sweep_of_a_spec_file_with_set(source, tmp_path):
    spec = tmp_path / "s.toml"
    spec.write_text('name = "f"\nmodel = "dnn"\ntemplate = "%s"\n[fixed]\nn_sims = 1\nn_epochs = 2\n'
                    '[grid]\nlr_dnn = [0.1, 0.2]\n' % (source / "configs/dnn/config1.toml").as_posix())
    r = fastslow.sweep(spec, out=tmp_path / "out", set=["n_epochs=3"], workers=1, source=source)
    assert r.table.lr_dnn.tolist() == [0.1, 0.2]
    assert r.f_2.lc_type6.shape == (3,)


def test_sweep_error(source, tmp_path):
    bad = dict(SWEEP, template=str(source / "configs/dualstream/config_dlMU_dnn_1.toml"),
               grid={"fast_config.lr_nnn": [1.0]})
    with pytest.raises(CommandError, match="lr_nnn"):
        fastslow.sweep(bad, out=tmp_path / "sw", source=source)


def fit_spec(source):
    return {
        "model": "alcove", "config": str(source / "configs/alcove/exalcove.toml"),
        "data": "nosofsky1994", "block_trials": 16, "passes": 2, "runs": 4, "seed": 1, "noise_seeds": 2,
        "search": {"grid": 0, "starts": 1, "max_evals": 8},
        "param": [{"key": "c", "min": 0.1, "max": 20, "scale": "log"}],
    }


def test_fit(source, tmp_path):
    r = fastslow.fit(fit_spec(source), out=tmp_path / "f", source=source)
    assert r.kind == "fit" and set(r.best_params) == {"c"}
    assert 0.1 <= r.best_params["c"] <= 20
    assert r.best["c"] == r.best_params["c"]
    searched = r.trace.phase != "noise"
    assert r.fit["best"]["sse"] == r.trace.sse[searched].min()
    assert set(r.curves.condition.tolist()) == {1, 2, 3, 4, 5, 6}
    assert (tmp_path / "f.trace.csv").is_file()
    # Run again: the fit resumes from its trace and ends at the same point.
    again = fastslow.fit(fit_spec(source), out=tmp_path / "f", source=source)
    assert again.best_params == r.best_params and again.fit["new_evaluations"] == 0


def test_fit_with_a_dict_config(source, runs, tmp_path):
    """A config given as a dict; a spec without a name takes the results folder's."""
    spec = fit_spec(source)
    spec["config"] = fastslow.load(runs["alcove"].path).summary["config"]
    spec["param"] = [{"key": "phi", "min": 0.5, "max": 5}]
    r = fastslow.fit(spec, out=tmp_path / "f2", source=source)
    assert set(r.best_params) == {"phi"}
    assert r.fit["name"] == "f2" and r.best["config_version"] == "f2_best"


def test_fit_error(source, tmp_path):
    spec = fit_spec(source)
    spec["param"] = [{"key": "c", "min": 5, "max": 1}]
    with pytest.raises(CommandError, match="c") as err:
        fastslow.fit(spec, out=tmp_path / "bad", source=source)
    assert "min" in err.value.stderr or "max" in err.value.stderr
    assert not (tmp_path / "bad").exists()
