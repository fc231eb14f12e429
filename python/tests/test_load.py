"""load on every kind of results folder: the commands' folders of today
(with provenance.json), and hand-made ones with the files other versions
write or lack (per-run curves NAME_runs.npy, file checksums in sweep.json)."""

import json
import shutil
import sys

import numpy as np
import pytest

import fastslow
from fastslow import NotAResultsFolder

SHJ = [f"shj{t}" for t in range(1, 7)]


@pytest.mark.parametrize("model, tasks", [
    ("clustering", SHJ), ("dnn", SHJ), ("multiunit", SHJ), ("sustain", SHJ), ("alcove", SHJ),
    ("exit", ["krus96-training"]), ("distrlearner", ["new-stimuli"]), ("dualstream", ["new-stimuli"]),
])
def test_model_run(runs, model, tasks):
    r = fastslow.load(runs[model].path)
    assert r.kind == ("dualstream" if model == "dualstream" else "run")
    assert r.summary["model"] == model and r.summary["runs"] == 2 and r.tasks == tasks
    curves = r.per_task()
    assert list(curves) == tasks
    for task, lc in curves.items():
        assert lc.shape == (3,) and np.all((lc >= 0) & (lc <= 1)), task
    # The CSV holds the same numbers as the .npy files.
    table = r["lc.csv"]
    assert table.block.tolist() == [0, 1, 2]
    # provenance.json names the model and every file but itself.
    assert r.provenance["model"] == model and r.provenance["seed"] == r.summary["random_seed"]
    assert sorted(r.provenance["files"]) == sorted(p.name for p in r.files.values() if p.name != "provenance.json")
    # Every task has a trace with a row per trial.
    for task in tasks:
        trace = r[f"trace_{task}"]
        assert set(trace.run.tolist()) == {0, 1} and trace.rows > 0


def test_single_task_curves_match_csv(runs):
    r = runs["clustering"]
    for t in range(1, 7):
        np.testing.assert_array_equal(r[f"lc_type{t}"], r["lc.csv"][f"type{t}"])
        assert r[f"lc_type{t}"] is r[f"lc_type{t}.npy"] is getattr(r, f"lc_type{t}")


def test_checkpoints_by_state_dict_keys(runs, dual_shj):
    assert set(runs["dnn"].type1_run0) == {f"layers.{i}.{p}" for i in range(4) for p in ("weight", "bias")}
    assert runs["clustering"].type2_run1["Distance.weight"].shape[1] == 3
    state = dual_shj.type3_run1
    assert state["SlowModel.layers.0.weight"].shape == (25, 3)
    assert any(k.startswith("FastModel.") for k in state)


def test_dual_stream_curves(runs, dual_shj):
    d = runs["dualstream"]
    assert {"lc_fast", "lc_slow", "lc_total", "loss_total", "curves"} <= set(d)
    np.testing.assert_array_equal(d.per_task(stream="slow")["new-stimuli"], d.lc_slow)
    np.testing.assert_array_equal(d.curves.lc_total, d.lc_total)
    assert dual_shj.tasks == SHJ
    for stream in ("fast", "slow", "total"):
        per = dual_shj.per_task(stream=stream)
        np.testing.assert_array_equal(per["shj4"], dual_shj[f"lc_{stream}_type4"])
        assert dual_shj.per_task("loss", stream)["shj6"].shape == (3,)
    with pytest.raises(ValueError, match="want fast, slow or total"):
        dual_shj.per_task(stream="both")


@pytest.mark.parametrize("model", ["clustering", "dualstream"])
def test_per_run_curves_and_units(runs, model):
    """The commands write per-run curves (runs × blocks) whose means are the mean curves, and recruited units."""
    r = runs[model]
    means, per_run = r.per_task(), r.per_task(runs=True)
    for task, lc in means.items():
        assert per_run[task].shape == (2, 3)
        np.testing.assert_allclose(per_run[task].mean(axis=0), lc, rtol=0, atol=1e-15)
    units = r.per_task("units", runs=True)
    assert all(u.shape == (2, 3) and np.all(u >= 1) for u in units.values())


def test_newer_files_are_picked_up(runs, tmp_path):
    """provenance.json and NAME_runs.npy (per-run curves) join the entries by name."""
    folder = tmp_path / "run"
    shutil.copytree(runs["clustering"].path, folder)
    per_run = {t: np.random.default_rng(t).random((2, 3)) for t in range(1, 7)}
    for t, a in per_run.items():
        np.save(folder / f"lc_type{t}_runs.npy", a)
    provenance = {"tool": "clustering", "revision": "abc", "seed": 1}
    (folder / "provenance.json").write_text(json.dumps(provenance))
    r = fastslow.load(folder)
    assert r.provenance == provenance
    np.testing.assert_array_equal(r.lc_type5_runs, per_run[5])
    got = r.per_task(runs=True)
    assert list(got) == SHJ and all(got[f"shj{t}"].shape == (2, 3) for t in range(1, 7))
    # Folders without per-run curves (written before them): asking for them says so.
    for t in range(1, 7):
        (folder / f"lc_type{t}_runs.npy").unlink()
    with pytest.raises(fastslow.FastslowError, match="no per-run curves lc_type1_runs.npy"):
        fastslow.load(folder).per_task(runs=True)
    (folder / "provenance.json").unlink()
    assert "provenance" not in fastslow.load(folder)


def test_runs_csv_beside_npy(runs, tmp_path):
    """A single-task folder with lc_runs.npy and lc_runs.csv: the stem is the array."""
    folder = tmp_path / "dl"
    shutil.copytree(runs["distrlearner"].path, folder)
    np.save(folder / "lc_runs.npy", np.zeros((2, 3)))
    (folder / "lc_runs.csv").write_text("run,block,value\n0,0,0.5\n")
    r = fastslow.load(folder)
    assert r.lc_runs.shape == (2, 3)
    assert r["lc_runs.csv"].value.tolist() == [0.5]
    assert r.per_task(runs=True)["new-stimuli"].shape == (2, 3)


def test_sweep_folder(tmp_path, runs):
    """A hand-made sweep: one finished config (with file checksums in its marker), one diverged."""
    sweep = tmp_path / "sw"
    shutil.copytree(runs["dnn"].path, sweep / "s_1")
    marker = {"config": "s_1", "number": 1, "model": "dnn", "status": "done", "checksum": "sha256:00",
              "grid": [{"key": "lr_dnn", "value": 0.5}], "files": {"lc.csv": "sha256:11"}}
    (sweep / "s_1" / "sweep.json").write_text(json.dumps(marker))
    (sweep / "s_2").mkdir()
    (sweep / "s_2" / "sweep.json").write_text(json.dumps({
        "config": "s_2", "number": 2, "model": "dnn", "status": "diverged", "checksum": "sha256:22",
        "grid": [{"key": "lr_dnn", "value": 1e100}],
        "diverged": {"task": "shj1", "run": 0, "block": 0, "trial": 3, "what": "loss NaN"}}))
    (sweep / "configs").mkdir()
    (sweep / "configs" / "s_1.toml").write_text('config_version = "s_1"\nlr_dnn = 0.5\n')
    (sweep / ".s_3.tmp").mkdir()  # what a killed run leaves: not a config
    r = fastslow.load(sweep)
    assert r.kind == "sweep"
    assert r.table.config.tolist() == ["s_1", "s_2"]
    assert r.table.status.tolist() == ["done", "diverged"]
    assert r.table.lr_dnn.tolist() == [0.5, 1e100]
    assert r.table.diverged_trial[1] == 3 and np.isnan(r.table.diverged_trial[0])
    assert r.configs == {"s_1": {"config_version": "s_1", "lr_dnn": 0.5}}
    assert r.s_1.kind == "run" and r.s_1.sweep["files"] == {"lc.csv": "sha256:11"}
    assert r.s_2.kind == "diverged" and r.s_2.sweep["diverged"]["what"] == "loss NaN"


def test_verify_checksums(tmp_path, runs):
    """sweep.json's file sizes and SHA-256 sums, where recorded, check a copied sweep."""
    import hashlib

    sweep = tmp_path / "sw"
    shutil.copytree(runs["multiunit"].path, sweep / "m_1")
    files = [{"name": p.name, "size": p.stat().st_size, "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
             for p in sorted((sweep / "m_1").iterdir())]
    marker = {"config": "m_1", "number": 1, "model": "multiunit", "status": "done", "files": files}
    (sweep / "m_1" / "sweep.json").write_text(json.dumps(marker))
    assert fastslow.load(sweep).verify() == len(files)
    with open(sweep / "m_1" / "lc_type2.npy", "r+b") as f:
        f.seek(-1, 2)
        f.write(b"\x00")
    (sweep / "m_1" / "summary.json").unlink()
    (sweep / "m_1" / "provenance.json").write_text("{}")  # made by hand: not a problem
    with pytest.raises(fastslow.FastslowError, match=r"m_1: lc_type2.npy differs \(\d+ bytes, SHA-256 .*; summary.json is missing"):
        fastslow.load(sweep).verify()
    del marker["files"]
    (sweep / "m_1" / "sweep.json").write_text(json.dumps(marker))
    with pytest.raises(fastslow.FastslowError, match="records no file checksums"):
        fastslow.load(sweep).verify()
    with pytest.raises(fastslow.FastslowError, match="without sweep.json records no file checksums"):
        runs["multiunit"].verify()


def test_sweep_with_nothing_finished(tmp_path):
    """A sweep killed before its first config finished: its configs, an empty table."""
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "s_1.toml").write_text("lr_dnn = 0.5\n")
    (tmp_path / ".s_1.tmp").mkdir()
    r = fastslow.load(tmp_path)
    assert r.kind == "sweep" and r.table.rows == 0 and list(r.configs) == ["s_1"]


def test_fit_folder(tmp_path):
    fit = tmp_path / "fit"
    fit.mkdir()
    (fit / "fit.json").write_text(json.dumps({"best": {"params": {"c": 2.5}, "loss": 0.1}}))
    (fit / "trace.csv").write_text("# estimate trace; checksum sha256:ab\n"
                                   "eval,phase,start,seed,runs,c,loss,sse,rmse,oat,error\n"
                                   "# revision 0123456789abcdef0123456789abcdef01234567\n"
                                   "1,start,-1,7,4,2.5,0.1,0.1,0.03,true,\n"
                                   "2,nm,0,7,4,9,+Inf,+Inf,+Inf,false,diverged at run 1\n")
    (fit / "best.toml").write_text("c = 2.5\n")
    r = fastslow.load(fit)
    assert r.kind == "fit" and r.best_params == {"c": 2.5} and r.best == {"c": 2.5}
    assert r.trace.comments == ["# estimate trace; checksum sha256:ab",
                                "# revision 0123456789abcdef0123456789abcdef01234567"]
    assert r.trace.eval.dtype == np.int64 and r.trace.oat.tolist() == [True, False]
    assert r.trace.loss[1] == np.inf and r.trace.error.tolist() == ["", "diverged at run 1"]
    t = fastslow.load(fit / "trace.csv")
    assert t.kind == "trace" and t.trace.rows == 2


def test_trace_only_folder(runs, tmp_path):
    shutil.copy(runs["sustain"].path / "trace_shj2.csv", tmp_path)
    r = fastslow.load(tmp_path)
    assert r.kind == "trace" and r.trace_shj2.label.dtype == np.int64


@pytest.mark.parametrize("make, want", [
    (lambda p: p / "missing", "no such file or folder"),
    (lambda p: p, "not a results folder: want summary.json"),
    (lambda p: ((p / "notes.txt").write_text("x"), p)[1], "not a results folder"),
    (lambda p: ((p / "a.npy").write_bytes(b""), p / "a.npy")[1], "not a results folder or a trace CSV"),
])
def test_not_a_results_folder(tmp_path, make, want):
    with pytest.raises(NotAResultsFolder, match=want):
        fastslow.load(make(tmp_path))


def test_bad_files_name_the_file(tmp_path):
    (tmp_path / "summary.json").write_text('{"model": "dnn", "tasks": []}')
    (tmp_path / "lc.csv").write_text("block,value\n0\n")
    (tmp_path / "lc_type1.npy").write_bytes(b"not numpy")
    r = fastslow.load(tmp_path)
    with pytest.raises(fastslow.FastslowError, match=r"lc.csv: line 2 has 1 fields, the header 2"):
        r["lc.csv"]
    with pytest.raises(fastslow.FastslowError, match=r"lc_type1.npy: cannot read"):
        r.lc_type1
    with pytest.raises(KeyError, match="'nope': not in"):
        r["nope"]
    with pytest.raises(AttributeError, match="no entry 'nope'"):
        r.nope


def test_to_pandas(runs, monkeypatch):
    table = runs["alcove"]["lc.csv"]
    try:
        import pandas  # noqa: F401
    except ImportError:
        pandas = None
    if pandas is not None:
        df = table.to_pandas()
        assert list(df.columns) == list(table) and len(df) == 3
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="needs pandas"):
        table.to_pandas()


@pytest.mark.parametrize("text, want", [
    ("a,b\n1,0.5\n2,\n", {"a": [1, 2], "b": [0.5, np.nan]}),
    ("a,b\r\n1,x\r\n2,y\r\n", {"a": [1, 2], "b": ["x", "y"]}),
    ('config,what\nc_1,"logits [+Inf -Inf], loss NaN"\n', {"config": ["c_1"], "what": ["logits [+Inf -Inf], loss NaN"]}),
    ("ok,n\ntrue,-Inf\nfalse,+Inf\n", {"ok": [True, False], "n": [-np.inf, np.inf]}),
    ("a,b\n", {"a": [], "b": []}),
])
def test_read_table(tmp_path, text, want):
    (tmp_path / "t.csv").write_bytes(text.encode())
    got = fastslow.read_table(tmp_path / "t.csv")
    assert list(got) == list(want)
    for k, v in want.items():
        np.testing.assert_array_equal(got[k], np.array(v, dtype=got[k].dtype))


@pytest.mark.parametrize("text, want", [
    ("a,b\n1,2\n3\n", "line 3 has 1 fields, the header 2"),
    ('a,b\n"1",2\n3,4,5\n', "line 3 has 3 fields, the header 2"),
    ("", "empty CSV file"),
])
def test_read_table_errors(tmp_path, text, want):
    (tmp_path / "t.csv").write_text(text)
    with pytest.raises(fastslow.FastslowError, match=want):
        fastslow.read_table(tmp_path / "t.csv")
