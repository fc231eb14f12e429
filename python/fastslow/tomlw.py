"""A small TOML writer for configs and specs given as Python dicts.

The commands read configs, sweep specs and fit specs as TOML; this module
writes a dict of plain values (str, bool, int, float, lists, dicts, lists of
dicts, numpy scalars and arrays) as TOML, so no TOML library is needed to
write. A dict key holding dots (``"fast_config.lr_nn"``) is written as a
dotted key, a key path, as the sweep spec's ``[grid]`` uses it.
"""

import math
import re

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def dumps(doc):
    """Return the TOML text of doc, a dict of plain values."""
    if not isinstance(doc, dict):
        raise TypeError(f"a TOML document is a dict, not {type(doc).__name__}")
    lines = []
    _table(lines, [], doc)
    return "\n".join(lines) + "\n"


def dump(doc, path):
    """Write doc as TOML to the file path."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(dumps(doc))


def _table(lines, prefix, table):
    # TOML wants a table's own keys before its sub-tables.
    subtables, arrays = [], []
    for key, value in table.items():
        value = _plain(value)
        if isinstance(value, dict):
            subtables.append((key, value))
        elif _is_table_array(value):
            arrays.append((key, value))
        else:
            lines.append(f"{_key(key)} = {_value(value, prefix + [key])}")
    for key, value in subtables:
        lines.append("")
        lines.append(f"[{_path(prefix + [key])}]")
        _table(lines, prefix + [key], value)
    for key, values in arrays:
        for value in values:
            lines.append("")
            lines.append(f"[[{_path(prefix + [key])}]]")
            _table(lines, prefix + [key], value)


def _is_table_array(value):
    return isinstance(value, list) and len(value) > 0 and all(isinstance(_plain(v), dict) for v in value)


def _plain(value):
    # numpy scalars and arrays become Python values without importing numpy.
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        return value.tolist()
    if isinstance(value, tuple):
        return list(value)
    return value


def _key(key):
    if not isinstance(key, str) or key == "":
        raise TypeError(f"TOML key {key!r}: want a non-empty string")
    parts = key.split(".")
    if all(_BARE.match(p) for p in parts):
        return key
    return _string(key)


def _path(keys):
    return ".".join(_key(k) for k in keys)


def _value(value, keys):
    value = _plain(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        text = repr(value)
        return text if any(c in text for c in ".en") else text + ".0"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v, keys) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{_key(k)} = {_value(v, keys + [k])}" for k, v in value.items())
        return "{" + inner + "}"
    where = ".".join(str(k) for k in keys)
    if value is None:
        raise TypeError(f"TOML key {where}: None has no TOML form (leave the key out)")
    raise TypeError(f"TOML key {where}: a {type(value).__name__} has no TOML form")


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _string(text):
    out = []
    for c in text:
        if c in _ESCAPES:
            out.append(_ESCAPES[c])
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\u{ord(c):04X}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'
