"""Human learning curves to compare models with, read from the source tree."""

from .commands import find_source
from .results import read_table


def nosofsky1994(source=None):
    """Return Nosofsky et al.'s (1994) SHJ learning curves: "shj1" … "shj6" →
    the mean probability of error in each of 16 blocks of 16 trials.

    The data are the kernel's own copy (stream/human/nosofsky1994_shj.csv of
    the source tree; catlearn's nosof94), the curves the commands plot.
    """
    table = read_table(find_source(source) / "stream" / "human" / "nosofsky1994_shj.csv")
    curves = {}
    for t in sorted(set(table["type"].tolist())):
        rows = table["type"] == t
        order = table["block"][rows].argsort()
        curves[f"shj{t}"] = table["p_error"][rows][order]
    return curves
