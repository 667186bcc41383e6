"""YAML reading through libyaml's C loader where PyYAML has it (the pure-Python one took about 0.1 s per read of
params.yaml, and a forecast call read it several times); the same data either way, safe loading only."""
from __future__ import annotations

import copy
from pathlib import Path

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FILES: dict = {}


def load(text: str):
    """Parse YAML text (safe subset), like ``yaml.safe_load``."""
    return yaml.load(text, Loader=_LOADER)


def load_file(path: Path):
    """Parse a YAML file; re-read only when its size or modification time changed. A copy each call, so a caller
    may change what it gets."""
    path = Path(path)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _FILES:
        if len(_FILES) > 64:
            _FILES.clear()
        _FILES[key] = load(path.read_text(encoding="utf-8"))
    return copy.deepcopy(_FILES[key])
