"""Stage ``cut``: each briefing entry's observations, cut at its as-of month (``data/processed/cuts/KEY.csv``).

An entry's forecast and briefing read its cut instead of the whole table, so a release for a later month changes
nothing they depend on and ``dvc repro`` leaves them alone (issue 19: a month that changes an entry reruns that
entry only). One process writes every entry's cut (issue 18: one stage instead of one per entry); an unchanged
cut keeps its bytes, so DVC skips the stages that read it. Row numbers in the raw files are left out: a row added
above them must not change the cut.
"""
from __future__ import annotations

import sys

import pandas as pd

from pipeline.common.errors import InputError
from pipeline.common.paths import CUTS, OBSERVATIONS, PARAMS
from pipeline.sources import data


def entry_cuts(obs: pd.DataFrame, briefings: dict) -> dict[str, pd.DataFrame]:
    """Per briefings entry (in key order), the observations published up to its as-of month."""
    out = {}
    for key in sorted(briefings):
        entry = briefings[key]
        if not isinstance(entry, dict) or "as_of" not in entry:
            raise InputError(f"{PARAMS.name}: briefings entry {key!r} has no as_of")
        try:
            year, month = data.parse_as_of(str(entry["as_of"]))
        except ValueError as exc:
            raise InputError(f"{PARAMS.name}: briefings entry {key!r}: {exc}") from None
        out[key] = data.cut_as_of(obs, year, month).drop(columns=["raw_row"], errors="ignore")
    return out


def main(argv: list[str]) -> int:
    from pipeline.common import yamlio

    if len(argv) > 1:
        print("usage: python -m pipeline.sources.cut [KEY] (a briefings entry of params.yaml; default: every entry)",
              file=sys.stderr)
        return 2
    try:
        briefings = (yamlio.load_file(PARAMS) or {}).get("briefings") or {}
        if argv:
            if argv[0] not in briefings:
                raise InputError(f"{PARAMS.name}: no briefings entry {argv[0]!r}")
            briefings = {argv[0]: briefings[argv[0]]}
        cuts = entry_cuts(data.read_observations(OBSERVATIONS), briefings)
    except InputError as exc:
        print(f"cut: {exc}", file=sys.stderr)
        return 2
    CUTS.mkdir(parents=True, exist_ok=True)
    if not argv:  # the stage's output is the folder: no cut of a removed entry is left behind
        for stale in set(p.stem for p in CUTS.glob("*.csv")) - set(cuts):
            (CUTS / f"{stale}.csv").unlink()
    for key, obs in cuts.items():
        obs.to_csv(CUTS / f"{key}.csv", index=False, lineterminator="\n")
        print(f"cut: {key}: {len(obs)} observations up to {briefings[key]['as_of']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
