"""YAML reading through libyaml's C loader where PyYAML has it (the pure-Python one took about 0.1 s per read of
params.yaml, and a forecast call read it several times); the same data either way, safe loading only.

Every YAML the tool reads (params.yaml, the sidecars of portal exports, releases and reports) goes through ``load``,
which refuses, in one line naming the file and line: explicit tags (``!!python/object``, ``!!str`` ...), anchors
and aliases (an alias bomb would exhaust memory), nesting deeper than ``MAX_DEPTH`` levels and malformed YAML.
``load_file`` reads through ``pipeline.common.safeio`` (a link out of the repository, a FIFO, an oversized file are
refused) and, for params.yaml, checks the type of every known key (``PARAM_TYPES``) and that no number is
.inf or .nan, naming the key: a stage never runs on ``n_draws: "many"``.
"""
from __future__ import annotations

import copy
import math
from pathlib import Path

import yaml

from pipeline.common import safeio
from pipeline.common.safeio import FileRefused

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FILES: dict = {}
MAX_DEPTH = 20


def _check_events(text: str, name: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        line = event.start_mark.line + 1 if event.start_mark else 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise FileRefused(name, "YAML anchors and aliases (&name, *name) are not accepted", line)
        if getattr(event, "tag", None) and not (isinstance(event, yaml.ScalarEvent) and event.tag == "!"):
            tag = str(event.tag).replace("tag:yaml.org,2002:", "!!")[:60]
            raise FileRefused(name, f"YAML tags ({tag}) are not accepted", line)
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise FileRefused(name, f"YAML nested deeper than {MAX_DEPTH} levels", line)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def load(text: str, name: str = "<yaml>"):
    """Parse YAML text (safe subset, no tags, anchors, aliases or deep nesting); ``FileRefused`` naming ``name``."""
    try:
        _check_events(text, name)
        return yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        what = " ".join(str(getattr(exc, "problem", None) or "syntax error").split())[:120]
        raise FileRefused(name, f"malformed YAML: {what}", mark.line + 1 if mark else None) from None


# params.yaml: the type of each known key (dotted). int: a whole number; num: a finite number; a|b: either;
# float: also a number YAML reads as text (1.0e7); [t]: a list of t; {t}: a mapping to t; any other word: that literal text.
PARAM_TYPES = {
    "regimes": "{*}", "regimes.shock_years": "[int]",
    "ingest": "{num|float}", "targets": "{*}", "targets.about_tolerance_pp": "num",
    "forecast": "{*}", "forecast.n_draws": "int", "forecast.seed": "int", "forecast.min_own_years": "int",
    "forecast.borrow_widen_pp": "num", "forecast.exclude_years": "[int]", "forecast.default_weights": "{num}",
    "forecast.combine_method": "str", "forecast.spread_scale": "num", "forecast.shock_reversion": "bool",
    "forecast.recent_half_life_years": "num", "forecast.recent_first_year": "int",
    "forecast.on_track_p": "num", "forecast.at_risk_p": "num", "briefings": "{*}",
    "annual": "{*}", "annual.n_draws": "int", "annual.seed": "int", "annual.half_life_years": "num",
    "annual.shrink_years": "num|auto", "annual.min_years_national": "int", "annual.national_signals": "[str]",
    "annual.outcome_precision_pp": "num", "annual.ridge": "num", "annual.region_spread": "bool",
    "annual.spread_shrink_years": "num", "annual.residuals": "str", "annual.spread_model": "str",
    "annual.region_features": "[str]", "annual.spread_floor_pct": "num", "annual.thin_pairs": "int",
    "annual.blend_weight_ytd": "num|str", "annual.blend_method": "str", "annual.backtest": "{*}",
    "annual.backtest.n_draws": "int", "annual.backtest.province_years": "[int|latest]",
    "annual.backtest.prefecture_years": "[int|latest]", "annual.backtest.province_months": "[int]",
    "annual.backtest.prefecture_months": "[int]", "annual.backtest.climatology_years": "int",
    "annual.backtest.reliability_bins": "int", "annual.backtest.headline_since": "int",
    "annual.backtest.nested_min_years": "int", "annual.backtest.ytd_drift_years": "int",
    "annual.backtest.ytd_widen_pp": "num", "annual.backtest.calibrate_intervals": "bool",
    "backtest": "{*}", "backtest.first_year": "int", "backtest.last_year": "int|latest",
    "backtest.learn_first_year": "int", "backtest.min_learn_years": "int", "backtest.n_draws": "int",
    "backtest.indicators": "[str]", "backtest.choice_loss": "str", "backtest.spread_loss": "str",
    "backtest.recent_from": "int", "backtest.target_gravity": "bool", "backtest.recalibrate": "bool",
    "backtest.pit_recalibrate": "bool", "backtest.pit_recalibration": "{*}", "backtest.location_choice": "bool",
    "backtest.location": "{*}",
    "backtest.borrow_widen_grid": "[num]", "backtest.borrow_widen_fallback_pp": "num",
    "backtest.candidates": "{*}", "backtest.candidates.combine_methods": "[str]",
    "backtest.candidates.spread_scales": "[num]", "backtest.candidates.tail_weights": "[num]",
    "scoreboard": "{*}", "scoreboard.year": "int", "scoreboard.as_of": "str", "scoreboard.lang": "str",
}
_WORDS = {"int": "a whole number", "num": "a finite number", "float": "a number written as text", "bool": "true or false", "str": "text", "*": "a value"}


def _alts(spec: str) -> list[str]:
    """The alternatives of a spec, split at the top level only ("{num|float}|str" -> ["{num|float}", "str"])."""
    out, depth, start = [], 0, 0
    for i, c in enumerate(spec):
        depth += c in "[{"
        depth -= c in "]}"
        if c == "|" and depth == 0:
            out.append(spec[start:i])
            start = i + 1
    return out + [spec[start:]]


def _fits(value, spec: str) -> bool:
    for alt in _alts(spec):
        if alt == "*":
            return True
        if alt == "int" and isinstance(value, int) and not isinstance(value, bool):
            return True
        if alt == "num" and isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            return True
        if alt == "float" and isinstance(value, str):  # YAML 1.1 reads 1.0e7 (no exponent sign) as text
            try:
                return math.isfinite(float(value.replace("_", "x")))
            except ValueError:
                pass
        if alt == "bool" and isinstance(value, bool):
            return True
        if alt == "str" and isinstance(value, str):
            return True
        if alt.startswith("[") and isinstance(value, list) and all(_fits(v, alt[1:-1]) for v in value):
            return True
        if alt.startswith("{") and isinstance(value, dict) and all(_fits(v, alt[1:-1]) for v in value.values()):
            return True
        if alt not in _WORDS and alt[:1] not in "[{" and value == alt:
            return True
    return False


def _describe(spec: str) -> str:
    words = []
    for alt in _alts(spec):
        if alt.startswith("["):
            words.append(f"a list of {_describe(alt[1:-1]).replace('a ', '', 1)}s")
        elif alt.startswith("{"):
            words.append("a mapping" + ("" if alt == "{*}" else f" of {_describe(alt[1:-1]).replace('a ', '', 1)}s"))
        else:
            words.append(_WORDS.get(alt, repr(alt)))
    return " or ".join(words)


def _nonfinite(value, key: str):
    if isinstance(value, float) and not math.isfinite(value):
        return key
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for k, v in items:
        found = _nonfinite(v, f"{key}.{k}" if key else str(k))
        if found:
            return found
    return None


def check_params(params, name: str = "params.yaml") -> None:
    """``FileRefused`` naming the first key of params.yaml with a wrong type or a non-finite number."""
    if params is None:
        return
    if not isinstance(params, dict):
        raise FileRefused(name, f"must be a mapping of sections (forecast:, ingest: ...), not {type(params).__name__}")
    bad = _nonfinite(params, "")
    if bad:
        raise FileRefused(name, f"{bad} is not a finite number (.inf and .nan are not parameters)")
    for key, spec in PARAM_TYPES.items():
        node, found = params, True
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                found = False
                break
            node = node[part]
        if found and isinstance(node, dict) and spec.startswith("{") and spec != "{*}":
            for child, value in node.items():  # name the entry of a mapping, not the whole section
                if not _fits(value, spec[1:-1]):
                    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
                    raise FileRefused(name, f"{key}.{child} must be {_describe(spec[1:-1])}, not {shown}")
        elif found and node is not None and not _fits(node, spec):
            shown = repr(node) if len(repr(node)) <= 40 else repr(node)[:37] + "..."
            raise FileRefused(name, f"{key} must be {_describe(spec)}, not {shown}")


def load_file(path: Path, kind: str = "params"):
    """Parse a YAML file read through ``safeio`` (``kind`` sets its size limit; params.yaml's keys are type-checked);
    re-read only when its size or modification time changed. A copy each call, so a caller may change what it gets."""
    path = Path(path)
    why = safeio.problem(path, kind)
    if why:
        raise FileRefused(path, why)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, kind)
    if key not in _FILES:
        if len(_FILES) > 64:
            _FILES.clear()
        data = load(safeio.read_text(path, kind), str(path))
        if kind == "params":
            check_params(data, str(path))
        _FILES[key] = data
    return copy.deepcopy(_FILES[key])
