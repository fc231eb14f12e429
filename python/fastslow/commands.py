"""Running the Go commands from Python: models, sweeps and fits.

Each command is built once with ``go build -o`` into a cache folder named for
the source tree's revision (its git commit, plus a hash of uncommitted
changes), so a changed tree gets fresh binaries and an unchanged one none.
"""

import contextlib
import hashlib
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

from . import tomlw
from .results import FastslowError, load

# Command name → the Go package that builds it, relative to the source tree.
PACKAGES = {
    "clustering": "./clustering/cmd/fit",
    "dnn": "./dnn/cmd/fit",
    "multiunit": "./multiunit/cmd/fit",
    "distrlearner": "./distrlearner/cmd/fit",
    "sustain": "./sustain/cmd/fit",
    "alcove": "./alcove/cmd/fit",
    "exit": "./exit/cmd/fit",
    "dualstream": "./dualstream/cmd/main",
    "sweep": "./cmd/sweep",
    "fitdata": "./cmd/fitdata",
}

# The Go registry's models (dualstream/models: models.Names), as sweep run -help lists
# them; tests/test_commands.py checks the two lists agree.
MODELS = ("clustering", "dnn", "multiunit", "distrlearner", "sustain", "alcove", "exit", "dualstream")

# The variable a build stamps with the source revision (-ldflags -X).
_STAMP = "github.com/fastslow/stream/provenance.Stamp"

# Spec keys that name files; relative ones are made absolute from the caller's
# working folder, since a spec given as a dict is written to a temporary folder.
_SPEC_PATHS = ("template", "config", "data", "order", "task")


class CommandError(FastslowError):
    """A command that failed: its message (stderr), exit status (returncode)
    and command line (command)."""

    def __init__(self, args, returncode, stderr, stdout=""):
        self.command = [os.fspath(a) for a in args]
        self.returncode = returncode
        self.stderr = stderr
        self.stdout = stdout
        message = stderr.strip() or stdout.strip() or "(no message)"
        super().__init__(f"{pathlib.Path(args[0]).name} exited with status {returncode}: {message}")


def find_source(source=None):
    """Return the fastslow source tree: source, $FASTSLOW_SOURCE, or a parent of
    the working folder or of this package holding go.work and stream/."""
    given = source or os.environ.get("FASTSLOW_SOURCE")
    if given:
        root = pathlib.Path(given).resolve()
        if not _is_source(root):
            raise FastslowError(f"{root}: not the fastslow source tree (want go.work and stream/go.mod)")
        return root
    for start in (pathlib.Path.cwd(), pathlib.Path(__file__).resolve().parent):
        for folder in (start, *start.parents):
            if _is_source(folder):
                return folder
    raise FastslowError("cannot find the fastslow source tree (a folder with go.work and stream/go.mod): "
                        "pass source=PATH or set FASTSLOW_SOURCE, or pass binary=PATH")


def _is_source(folder):
    return (folder / "go.work").is_file() and (folder / "stream" / "go.mod").is_file()


def revision(source):
    """Name the source tree's state: its git commit, with a hash of any
    uncommitted changes outside python/; without git, a hash of its files
    (python/, results/ and hidden ones aside)."""
    source = pathlib.Path(source)
    git = shutil.which("git")
    if git and (source / ".git").exists():
        def out(*args):
            return subprocess.run([git, "-C", str(source), *args], check=True,
                                  capture_output=True).stdout
        try:
            head = out("rev-parse", "HEAD").decode().strip()
            outside = ["--", ".", ":(exclude)python", ":(exclude)results"]
            status = out("status", "--porcelain", "--untracked-files=all", *outside)
        except subprocess.CalledProcessError:
            head, status = None, None
        if head:
            if not status:
                return head
            h = hashlib.sha256(out("diff", "HEAD", *outside))
            for line in sorted(status.decode().splitlines()):
                h.update(line.encode())
                if line.startswith("??"):
                    f = source / line[3:]
                    if f.is_file():
                        h.update(f.read_bytes())
            return f"{head}-dirty-{h.hexdigest()[:16]}"
    h = hashlib.sha256()
    skip = {"python", "results"}
    for f in sorted(source.rglob("*")):
        rel = f.relative_to(source)
        if f.is_file() and rel.parts[0] not in skip and not any(p.startswith(".") for p in rel.parts):
            h.update(str(rel).encode() + b"\0" + f.read_bytes())
    return "src-" + h.hexdigest()[:16]


def cache_dir():
    """The folder of built commands: $FASTSLOW_CACHE, else the user's cache folder."""
    if os.environ.get("FASTSLOW_CACHE"):
        return pathlib.Path(os.environ["FASTSLOW_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return pathlib.Path(base) / "fastslow"


def build(command, source=None):
    """Return the path of a built command, building it first if the cache has
    none for the source tree's revision."""
    if command not in PACKAGES:
        raise FastslowError(f"unknown command {command!r}: want one of {', '.join(PACKAGES)}")
    root = find_source(source)
    rev = revision(root)
    folder = cache_dir() / rev
    exe = folder / command
    if exe.is_file():
        return exe
    go = shutil.which("go")
    if go is None:
        raise FastslowError(f"building {command} needs Go (go on PATH); or pass binary=PATH of a built command")
    folder.mkdir(parents=True, exist_ok=True)
    # Built under a temporary name and renamed: a concurrent build or an
    # interrupted one never leaves a half-written binary under the real name.
    fd, tmp = tempfile.mkstemp(prefix=f".{command}.", dir=folder)
    os.close(fd)
    try:
        args = [go, "build", "-o", tmp]
        if not rev.startswith("src-"):
            # The revision each results folder's provenance.json records (the go
            # command stamps none itself from a git worktree): commit[+dirty].
            commit, dirty, _ = rev.partition("-dirty-")
            args += ["-ldflags", f"-X {_STAMP}={commit}{'+dirty' if dirty else ''}"]
        proc = subprocess.run([*args, PACKAGES[command]], cwd=root, capture_output=True, text=True)
        if proc.returncode != 0:
            raise CommandError([go, "build", PACKAGES[command]], proc.returncode, proc.stderr, proc.stdout)
        os.replace(tmp, exe)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return exe


def _flags(flags):
    args = []
    for name, value in flags.items():
        if value is None or value is False:
            continue
        if isinstance(value, (list, tuple)):  # repeatable flags, e.g. set=["a=1", "b=2"]
            for v in value:
                args += [f"-{name}", str(v)]
        elif value is True:
            args.append(f"-{name}")
        else:
            args += [f"-{name}", os.fspath(value) if isinstance(value, os.PathLike) else str(value)]
    return args


def _execute(exe, args, echo=False):
    """Run a command; with echo, pass its progress (stderr) on as it comes and
    its report (stdout) at the end, as a terminal would show them."""
    command = [os.fspath(exe), *args]
    if not echo:
        proc = subprocess.run(command, capture_output=True, text=True)
        stdout, stderr = proc.stdout, proc.stderr
    else:
        with tempfile.TemporaryFile("w+") as out:
            proc = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE, text=True)
            lines = []
            for line in proc.stderr:
                sys.stderr.write(line)
                lines.append(line)
            proc.wait()
            out.seek(0)
            stdout, stderr = out.read(), "".join(lines)
        sys.stdout.write(stdout)
    if proc.returncode != 0:
        raise CommandError(command, proc.returncode, stderr, stdout)
    return stdout


def _command(command, given, source):
    if given is not None:
        exe = pathlib.Path(given)
        if not exe.is_file():
            raise FastslowError(f"binary {exe}: no such file")
        return exe
    return build(command, source)


@contextlib.contextmanager
def _results_folder(out, name):
    """The results folder: out, or name in a new temporary folder, which is
    removed again if the command fails (it then holds nothing)."""
    if out is not None:
        yield pathlib.Path(out).resolve()
        return
    parent = pathlib.Path(tempfile.mkdtemp(prefix="fastslow-"))
    try:
        yield parent / name
    except BaseException:
        shutil.rmtree(parent, ignore_errors=True)
        raise


def _file_of(value, folder, name):
    """A config or spec as a file: a path as it is, a dict written as TOML."""
    if isinstance(value, dict):
        path = pathlib.Path(folder) / name
        tomlw.dump(value, path)
        return path
    if isinstance(value, (str, os.PathLike)):
        path = pathlib.Path(value).resolve()
        if not path.is_file():
            raise FastslowError(f"{value}: no such file")
        return path
    raise TypeError(f"want a dict or a file path, not {type(value).__name__}")


def run(model, config=None, task=None, runs=None, blocks=None, out=None, *,
        binary=None, source=None, quiet=True, **flags):
    """Run a model's command and return its results folder, loaded.

    model is one of MODELS; config a dict (written as TOML) or a TOML file
    (default: the command's built-in config); task, runs, blocks and any
    other flag of the command's -help (seed=, passes=, order=, init=,
    trace=True, nostate=True, workers=) are passed as flags. out is the
    results folder, the command's -out (default: a new temporary folder).
    quiet=False shows the command's progress and report. A failing command
    raises CommandError with its message.
    """
    if model not in MODELS:
        raise FastslowError(f"unknown model {model!r}: want one of {', '.join(MODELS)}")
    exe = _command(model, binary, source)
    with tempfile.TemporaryDirectory(prefix="fastslow-config-") as tmp:
        args = []
        if config is not None:
            args += ["-config", str(_file_of(config, tmp, "config.toml"))]
        with _results_folder(out, model) as out:
            args += _flags({"task": task, "runs": runs, "blocks": blocks, "out": out, "quiet": quiet, **flags})
            _execute(exe, args, echo=not quiet)
    return load(out)


def _absolute(spec, keys):
    """spec with its relative file paths made absolute from the working folder."""
    spec = dict(spec)
    for key in keys:
        value = spec.get(key)
        if isinstance(value, (str, os.PathLike)) and value != "":
            p = pathlib.Path(value)
            if not p.is_absolute() and p.exists():
                spec[key] = str(p.resolve())
    return spec


def _spec_file(spec, out, default, folder):
    """A spec as a file in folder, and its name.

    A dict without a name is written as <out's name>.toml, so its name (which
    the commands take from the file's) is the results folder's, else default.
    """
    if not isinstance(spec, dict):
        path = _file_of(spec, folder, "")
        return path, path.stem
    spec = _absolute(spec, _SPEC_PATHS)
    name = spec.get("name") or (pathlib.Path(out).name if out is not None else default)
    return _file_of(spec, folder, "spec.toml" if "name" in spec else f"{name}.toml"), name


def sweep(spec, out=None, *, report=None, curve=None, binary=None, source=None, quiet=True, **flags):
    """Run a sweep (`sweep run`) and return its results folder, loaded.

    spec is a dict (its template a file path or an inline dict; keys of
    [grid] and [fixed] are key paths such as "fast_config.lr_nn") or a spec
    file. Flags of `sweep run -help` pass through (workers=, begin=, end=,
    set=["num_runs=2"]). report="area" or "last:10" also ranks the configs
    (`sweep report`, with curve= for a folder of several curves); the ranking
    is the result's ``report_<metric>`` table.
    """
    exe = _command("sweep", binary, source)
    with tempfile.TemporaryDirectory(prefix="fastslow-spec-") as tmp:
        path, name = _spec_file(spec, out, "sweep", tmp)
        with _results_folder(out, name) as out:
            _execute(exe, ["run", "-spec", str(path), *_flags({"out": out, "quiet": quiet, **flags})],
                     echo=not quiet)
    if report is not None:
        _execute(exe, ["report", *_flags({"out": out, "metric": report, "curve": curve})], echo=not quiet)
    return load(out)


def fit(spec, out=None, *, binary=None, source=None, quiet=True, **flags):
    """Fit a model to human learning curves (`fitdata`) and return the fit's
    folder, loaded: fit.json as ``fit``, the best parameters as
    ``best_params``, best.toml, curves.csv and the trace.

    spec is a dict (its config a file path or a dict, written as TOML; its
    [[param]] a list of dicts) or a fit spec file. Flags of fitdata's -help
    pass through (workers=, fresh=True). The trace is kept beside out as
    ``<out>.trace.csv``, so running again resumes.
    """
    exe = _command("fitdata", binary, source)
    with tempfile.TemporaryDirectory(prefix="fastslow-spec-") as tmp:
        if isinstance(spec, dict) and isinstance(spec.get("config"), dict):
            spec = dict(spec, config=str(_file_of(spec["config"], tmp, "config.toml")))
        path, name = _spec_file(spec, out, "fit", tmp)
        with _results_folder(out, name) as out:
            _execute(exe, ["-spec", str(path), *_flags({"out": out, "quiet": quiet, **flags})], echo=not quiet)
    return load(out)
