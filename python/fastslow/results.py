"""Reading the results folders that the fastslow commands write.

A results folder is read lazily: load lists its files, and each is read the
first time it is used. Files are named by their stem (``lc_type1.npy`` is
``lc_type1``) and by their full name (``lc.csv``); where two files share a
stem (``lc.npy`` and ``lc.csv``) the stem names the first of .npy, .json,
.npz, .toml, .csv.
"""

import csv
import hashlib
import io
import json
import os
import pathlib
import re

import numpy as np

try:  # Python 3.11+
    import tomllib as _toml
except ImportError:  # pragma: no cover - older Pythons with tomli installed
    try:
        import tomli as _toml
    except ImportError:
        _toml = None


class FastslowError(Exception):
    """An error of the fastslow package (a results folder, a command)."""


class NotAResultsFolder(FastslowError, ValueError):
    """A path that holds none of the files of a results folder."""


# The order in which extensions claim a shared stem.
_STEM_ORDER = (".npy", ".json", ".npz", ".toml", ".csv")

# What a folder must hold to be a results folder of each kind.
_MARKERS = "summary.json (a model run), fit.json (a fit), sweep.json (a sweep's config), " \
           "folders holding those (a sweep) or trace CSVs"


class Table(dict):
    """A CSV file as columns: column name → numpy array.

    Columns of integers are int64, of numbers float64 (empty cells NaN), of
    true/false bool, and of anything else str. comments holds the file's
    leading ``#`` lines (a fit trace's checksum).
    """

    def __init__(self, columns, comments=()):
        super().__init__(columns)
        self.comments = list(comments)

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __dir__(self):
        return list(super().__dir__()) + [k for k in self if k.isidentifier()]

    @property
    def rows(self):
        """The number of rows."""
        return len(next(iter(self.values()))) if self else 0

    def to_pandas(self):
        """Return the table as a pandas DataFrame (pandas is optional)."""
        try:
            import pandas
        except ImportError as err:
            raise ImportError("Table.to_pandas needs pandas (pip install pandas); "
                              "the table itself is a dict of numpy arrays") from err
        return pandas.DataFrame({k: v for k, v in self.items()})

    def __repr__(self):
        return f"Table({self.rows} rows: {', '.join(self)})"


def read_table(path):
    """Read a CSV file with a header line as a Table."""
    path = pathlib.Path(path)
    with open(path, newline="", encoding="utf-8") as f:
        text = f.read()
    lines = text.splitlines(keepends=True)
    comments = []
    while lines and lines[0].startswith("#"):
        comments.append(lines.pop(0).rstrip("\r\n"))
    if not lines:
        raise FastslowError(f"{path}: empty CSV file: want a header line")
    header = next(csv.reader([lines[0]]))
    rows = []  # '#' lines after the header too (a fit trace's "# revision" lines) are comments
    for line in lines[1:]:
        if line.startswith("#"):
            comments.append(line.rstrip("\r\n"))
        else:
            rows.append(line)
    columns = _split_plain(rows, len(header)) if '"' not in text else None
    if columns is None:  # quoted fields or ragged lines: the csv module, which says where
        body = list(csv.reader(io.StringIO("".join(rows))))
        for i, row in enumerate(body):
            if len(row) != len(header):
                raise FastslowError(f"{path}: line {len(comments) + i + 2} has {len(row)} fields, "
                                    f"the header {len(header)}")
        columns = [list(c) for c in zip(*body)] if body else [[] for _ in header]
    return Table({name: _column(values) for name, values in zip(header, columns)}, comments)


def _split_plain(lines, width):
    """Split unquoted CSV lines into columns, or None if a line has another
    number of fields (a trace of a million trials in a second, not ten)."""
    lines = [line.rstrip("\r\n") for line in lines]
    if not lines:
        return [[] for _ in range(width)]
    flat = ",".join(lines).split(",")
    if len(flat) != len(lines) * width or any(line.count(",") != width - 1 for line in lines):
        return None
    return [flat[i::width] for i in range(width)]


def _column(values):
    if not values:
        return np.array([], dtype=float)
    if all(v == "" for v in values):
        return np.array(values, dtype=str)
    try:
        return np.array(values, dtype=np.int64)
    except (ValueError, OverflowError):
        pass
    try:
        return np.array(["nan" if v == "" else v for v in values], dtype=float)
    except ValueError:
        pass
    if set(values) <= {"true", "false"}:
        return np.array([v == "true" for v in values])
    return np.array(values, dtype=str)


def read_npz(path):
    """Read a checkpoint .npz as a dict: state_dict key → array."""
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_toml(path):
    """Read a TOML file (a config, best.toml) as a dict."""
    if _toml is None:
        raise FastslowError(f"{path}: reading TOML needs Python 3.11 (tomllib) or the tomli package")
    with open(path, "rb") as f:
        return _toml.load(f)


_READERS = {".npy": np.load, ".json": read_json, ".npz": read_npz, ".toml": read_toml, ".csv": read_table}


class Result:
    """A results folder: its files by name, read when first used.

    ``r["lc_type1"]``, ``r.lc_type1`` and ``r["lc_type1.npy"]`` are the same
    array; ``list(r)`` names every entry; ``r.files`` maps each to its file.
    kind is "run" (a single model), "dualstream", "sweep", "fit", "trace" or
    "diverged" (a sweep's config that diverged: only its marker).
    """

    def __init__(self, path, kind, files, extra=None):
        self.path = pathlib.Path(path)
        self.kind = kind
        self.files = dict(files)  # entry name → path
        self._extra = dict(extra or {})  # entry name → callable returning the value
        self._cache = {}
        self._aliases = {}
        for name, file in self.files.items():
            self._aliases[pathlib.Path(file).name] = name
        for name in list(self.files) + list(self._extra):
            # trace_new-stimuli is also trace_new_stimuli, for attribute access.
            ident = re.sub(r"\W", "_", name)
            if ident != name and ident not in self.files and ident not in self._aliases:
                self._aliases[ident] = name

    def _resolve(self, name):
        if name in self.files or name in self._extra:
            return name
        return self._aliases.get(name)

    def __getitem__(self, name):
        key = self._resolve(name)
        if key is None:
            raise KeyError(f"{name!r}: not in {self.path} (entries: {', '.join(self)})")
        if key not in self._cache:
            if key in self._extra:
                self._cache[key] = self._extra[key]()
            else:
                file = pathlib.Path(self.files[key])
                self._cache[key] = _read(file)
        return self._cache[key]

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"{type(self).__name__} of {self.path} has no entry {name!r}") from None

    def __contains__(self, name):
        return self._resolve(name) is not None

    def __iter__(self):
        return iter(list(self.files) + list(self._extra))

    def __len__(self):
        return len(self.files) + len(self._extra)

    def keys(self):
        return list(self)

    def items(self):
        return [(k, self[k]) for k in self]

    def get(self, name, default=None):
        return self[name] if name in self else default

    def __dir__(self):
        return list(super().__dir__()) + [k for k in self if k.isidentifier()]

    def __repr__(self):
        names = list(self)
        shown = ", ".join(names[:8]) + (", …" if len(names) > 8 else "")
        return f"Result(kind={self.kind!r}, path={str(self.path)!r}, {len(names)} entries: {shown})"

    # --- model runs -------------------------------------------------------

    @property
    def tasks(self):
        """The run's task names in summary.json order (shj1 … shj6, new-stimuli, …)."""
        if "summary" not in self:
            raise AttributeError(f"{self.path}: a {self.kind} folder has no tasks (no summary.json)")
        return [t["task"] for t in self["summary"]["tasks"]]

    def per_task(self, name="lc", stream="total", runs=False):
        """Return a model run's curves of one kind per task: task → array.

        name is "lc" (probability of error), "loss" or "units" (recruited
        units at each block's end, where written); stream picks the dual
        stream's "fast", "slow" or "total" curve (ignored for a single
        model and for units); runs=True gives the per-run curves (runs × blocks) where the
        folder has them (``NAME_runs.npy``).
        """
        if self.kind not in ("run", "dualstream"):
            raise FastslowError(f"{self.path}: a {self.kind} folder has no model curves")
        if stream not in ("fast", "slow", "total"):
            raise ValueError(f"stream {stream!r}: want fast, slow or total")
        # Curves of the dual stream's parts are per stream; recruited units are not.
        per_stream = self.kind == "dualstream" and name in ("lc", "loss")
        stem = f"{name}_{stream}" if per_stream else name
        suffix = "_runs" if runs else ""
        out = {}
        tasks = self.tasks
        for task in tasks:
            m = re.fullmatch(r"shj([1-6])", task)
            if m and f"{stem}_type{m.group(1)}.npy" in self._aliases:
                entry = f"{stem}_type{m.group(1)}{suffix}.npy"
            elif len(tasks) == 1:
                entry = f"{stem}{suffix}.npy"
            else:
                entry = f"{stem}_{task}{suffix}.npy"
            if entry not in self:
                have = sorted(n for n in self._aliases if n.endswith(".npy"))
                what = "per-run curves" if runs else "curves"
                raise FastslowError(f"{self.path}: no {what} {entry} for task {task} "
                                    f"(.npy files: {', '.join(have)})")
            out[task] = self[entry]
        return out

    # --- sweeps and fits ---------------------------------------------------

    @property
    def table(self):
        """A sweep's table: one row per config folder, from its sweep.json."""
        if self.kind != "sweep":
            raise AttributeError(f"{self.path}: a {self.kind} folder has no sweep table")
        return self["table"]

    def verify(self):
        """Check the files against the sizes and SHA-256 sums that sweep.json
        records (for a sweep, in every config folder) and return how many were
        checked; raise FastslowError naming every file missing or different,
        or a marker that records no sums."""
        if self.kind == "sweep":
            return sum(self[d.name].verify() for d in _config_dirs(self.path))
        if "sweep.json" not in self._aliases:
            raise FastslowError(f"{self.path}: a {self.kind} folder without sweep.json records no file checksums")
        records = self["sweep.json"].get("files")
        if not records:
            raise FastslowError(f"{self.path}/sweep.json records no file checksums "
                                "(written before sweeps recorded them)")
        problems = []
        for rec in records:
            file = self.path / rec["name"]
            if not file.is_file():
                problems.append(f"{rec['name']} is missing")
                continue
            h = hashlib.sha256()
            with open(file, "rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            size = file.stat().st_size
            if size != rec["size"] or h.hexdigest() != rec["sha256"]:
                problems.append(f"{rec['name']} differs ({size} bytes, SHA-256 {h.hexdigest()[:12]}…; "
                                f"sweep.json records {rec['size']} bytes, {rec['sha256'][:12]}…)")
        if problems:
            raise FastslowError(f"{self.path}: " + "; ".join(problems))
        return len(records)

    @property
    def best_params(self):
        """A fit's best parameters: key path → value."""
        if self.kind != "fit":
            raise AttributeError(f"{self.path}: a {self.kind} folder has no fitted parameters")
        return dict(self["fit"]["best"]["params"])


def _read(file):
    reader = _READERS.get(file.suffix)
    if reader is None:
        return file
    try:
        return reader(file)
    except FastslowError:
        raise
    except Exception as err:
        raise FastslowError(f"{file}: cannot read: {err}") from err


def _entries(folder):
    """Name a folder's files: stems first by extension order, then full names."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    names = {}
    for ext in _STEM_ORDER:
        for p in files:
            if p.suffix == ext and p.stem not in names:
                names[p.stem] = p
    for p in files:
        if p not in names.values():
            names[p.name] = p
    return names


def load(path):
    """Read a results folder (or a trace CSV file) written by a fastslow command.

    path is a model run's or a dual stream's folder (summary.json), a sweep's
    folder (config folders with sweep.json), a fit's folder (fit.json), a
    folder of trace CSVs, or one trace CSV (``trace_<task>.csv`` or a fit's
    ``<name>.trace.csv``). Returns a Result; raises NotAResultsFolder for a
    path that is none of these.
    """
    path = pathlib.Path(os.fspath(path))
    if not path.exists():
        raise NotAResultsFolder(f"{path}: no such file or folder")
    if path.is_file():
        if path.suffix == ".csv" and ("trace" in path.name):
            return Result(path, "trace", {"trace": path})
        raise NotAResultsFolder(f"{path}: not a results folder or a trace CSV: want a folder "
                                f"holding {_MARKERS}")
    files = _entries(path)
    names = {p.name for p in files.values()}
    if "fit.json" in names:
        return Result(path, "fit", files)
    if "summary.json" in names:
        kind = "dualstream" if read_json(path / "summary.json").get("model") == "dualstream" else "run"
        return Result(path, kind, files)
    if "sweep.json" in names:
        return Result(path, "diverged", files)
    subdirs = _config_dirs(path)
    if subdirs or any((path / "configs").glob("*.toml")):  # a sweep, maybe with nothing finished yet
        return _sweep(path, files, subdirs)
    if any(n.endswith(".csv") and "trace" in n for n in names):
        return Result(path, "trace", files)
    raise NotAResultsFolder(f"{path}: not a results folder: want {_MARKERS}")


def _config_dirs(path):
    """A sweep's finished config folders: those with a sweep.json marker."""
    return sorted(p for p in path.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and (p / "sweep.json").is_file())


def _sweep(path, files, subdirs):
    extra = {d.name: (lambda d=d: load(d)) for d in subdirs}
    extra["table"] = lambda: _sweep_table(subdirs)
    configs = path / "configs"
    if configs.is_dir():
        extra["configs"] = lambda: {p.stem: read_toml(p) for p in sorted(configs.glob("*.toml"))}
    return Result(path, "sweep", files, extra)


def _sweep_table(subdirs):
    """One row per config: its scalar marker fields, grid values, divergence."""
    rows = []
    for d in subdirs:
        marker = read_json(d / "sweep.json")
        row = {k: v for k, v in marker.items() if not isinstance(v, (dict, list))}
        for g in marker.get("grid") or []:
            row[g["key"]] = g["value"]
        for k, v in (marker.get("diverged") or {}).items():
            row["diverged_" + k] = v
        rows.append(row)
    columns = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    return Table({c: _column_of([row.get(c) for row in rows]) for c in columns})


def _column_of(values):
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present) and len(present) == len(values):
        return np.array(values)
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present) \
            and len(present) == len(values):
        return np.array(values, dtype=np.int64)
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return np.array([np.nan if v is None else v for v in values], dtype=float)
    return np.array(["" if v is None else str(v) for v in values], dtype=str)
