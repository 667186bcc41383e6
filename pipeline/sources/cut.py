"""Stage ``cut@KEY``: one briefing entry's observations, cut at its as-of month (``data/processed/cuts/KEY.csv``).

The entry's forecast and briefing read this instead of the whole table, so a release for a later month changes
nothing they depend on and ``dvc repro`` leaves them alone (issue 19: a month that changes an entry reruns that
entry only). Row numbers in the raw files are left out: a row added above them must not change the cut.
"""
from __future__ import annotations

import sys

from pipeline.errors import InputError
from pipeline.paths import CUTS, OBSERVATIONS, PARAMS
from pipeline.sources import data


def main(argv: list[str]) -> int:
    from pipeline import yamlio

    if len(argv) != 1:
        print("usage: python -m pipeline.sources.cut KEY (a briefings entry of params.yaml)", file=sys.stderr)
        return 2
    key = argv[0]
    try:
        entry = ((yamlio.load_file(PARAMS) or {}).get("briefings") or {}).get(key)
        if not isinstance(entry, dict) or "as_of" not in entry:
            raise InputError(f"{PARAMS.name}: no briefings entry {key!r} with an as_of")
        year, month = data.parse_as_of(str(entry["as_of"]))
    except (InputError, ValueError) as exc:
        print(f"cut: {exc}", file=sys.stderr)
        return 2
    obs = data.cut_as_of(data.read_observations(OBSERVATIONS), year, month).drop(columns=["raw_row"], errors="ignore")
    CUTS.mkdir(parents=True, exist_ok=True)
    obs.to_csv(CUTS / f"{key}.csv", index=False, lineterminator="\n")
    print(f"cut: {key}: {len(obs)} observations up to {year}-{month:02d}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
