"""fastslow: the Go concept-learning toolkit's results and commands from Python.

load reads any results folder as numpy arrays, dicts and tables named like
its files; run, sweep and fit run the Go commands (built once per source
revision) and return what load returns.
"""

from .commands import MODELS, CommandError, build, find_source, fit, run, sweep
from .human import nosofsky1994
from .results import FastslowError, NotAResultsFolder, Result, Table, load, read_table

__all__ = ["load", "run", "sweep", "fit", "build", "find_source", "nosofsky1994", "read_table", "Result", "Table",
           "FastslowError", "NotAResultsFolder", "CommandError", "MODELS"]
__version__ = "0.1.0"
