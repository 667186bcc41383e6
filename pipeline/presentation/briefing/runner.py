"""Running a briefing: check the request, execute the notebook with papermill, strip, convert, write the metric.

The cells run in this process (``inprocess``, a papermill engine: no kernel to start, nothing imported
twice) with the output folder as working folder. They must use THIS checkout's ``pipeline`` (not
whichever checkout an editable install points at): the checkout root is passed as the ``checkout``
parameter (relative to the output folder, so the executed notebook is the same in every checkout) and
put first on ``sys.path`` by the notebook, which matters when the notebook is run by hand in a kernel.
Volatile metadata is stripped so unchanged inputs give byte-identical files. Errors in the request are
one line and exit 2, before any folder is created or a cell run.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from pipeline.presentation import i18n
from pipeline.common.paths import PARAMS, ROOT
from pipeline.presentation.briefing import fmt
from pipeline.presentation.briefing.model import Briefing, BriefingInputError, indicator_path, validate_request
from pipeline.presentation.notebook_html import page

NOTEBOOK = ROOT / "notebooks" / "briefing.ipynb"
REPORTS = ROOT / "reports"
VOLATILE_NB_METADATA = ("papermill", "widgets")
VOLATILE_CELL_METADATA = ("papermill", "execution", "collapsed", "scrolled")


class BriefingError(RuntimeError):
    """A cell failed; the message carries the cell's error, the partial notebook is kept."""


def _round(x, places: int = 4):
    return None if fmt.missing(x) else round(float(x), places)


def headline_metrics(b: Briefing) -> dict:
    """Small, stable JSON of the headline numbers and each target's real-time path (a DVC metric)."""
    out = {}
    for _, r in b.forecast.iterrows():
        entry = {k: _round(r[k]) for k in ("latest_ytd_pct", "q50_pct", "p_met", "required_rest_pct")}
        entry["path"] = [{"as_of": f"{b.year:04d}-{int(p.month):02d}", "p_met": _round(p.p_met),
                          "q50_pct": _round(p.q50_pct)} for p in indicator_path(b, r.indicator).itertuples()]
        out[r.indicator] = entry
    return {"region": b.region, "as_of": b.as_of, "indicators": out}


def write_headline(b: Briefing, path: str | Path | None) -> None:
    if path:
        Path(path).write_text(json.dumps(headline_metrics(b), indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                              encoding="utf-8")


def strip_volatile(nb) -> None:
    """Remove timestamps, durations and kernel details so reruns are byte-identical."""
    for key in VOLATILE_NB_METADATA:
        nb.metadata.pop(key, None)
    nb.metadata.get("language_info", {}).pop("version", None)
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.execution_count = None
            for out in cell.get("outputs", []):
                if "execution_count" in out:
                    out["execution_count"] = None
        cell.pop("id", None)
    nb.nbformat_minor = 4


def notebook_tools():
    """(nbformat, papermill), imported without jsonschema's IRI format checker.

    jsonschema (imported by nbformat) loads the optional ``rfc3987_syntax`` package, which builds an Earley
    grammar at import: 3-5 s of CPU, the largest single cost of a briefing. No notebook schema uses the
    ``iri`` format it checks, so the import is refused (jsonschema then skips that format, as documented).
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # None in sys.modules: `import` raises ImportError
    import nbformat
    import papermill

    return nbformat, papermill


def _inside_reports(path: Path) -> bool:
    try:
        path.resolve().relative_to(REPORTS.resolve())
        return True
    except ValueError:
        return False


def render(region: str, as_of: str, previous_as_of: str | None = None, lang: str = "zh",
           out_dir: Path | None = None, progress=print, forecast_csv: Path | None = None,
           observations_csv: Path | None = None, calls_csv: Path | None = None) -> Path:
    """Execute the briefing notebook, then write briefing.ipynb, briefing.html and headline.json.

    The request is checked first (BriefingInputError, nothing written); ``out_dir`` defaults to
    ``reports/REGION/AS_OF``.
    """
    nbformat, pm = notebook_tools()
    from pipeline.presentation.briefing import inprocess

    slug, _, _ = validate_request(region, as_of, previous_as_of, lang)
    out_dir = Path(out_dir) if out_dir else REPORTS / slug / as_of
    out_dir.mkdir(parents=True, exist_ok=True)
    nb_path, html_path, json_path = out_dir / "briefing.ipynb", out_dir / "briefing.html", out_dir / "headline.json"
    progress(f"[1/4] executing the briefing notebook for {slug} as of {as_of} ({lang})")
    try:
        pm.execute_notebook(str(NOTEBOOK), str(nb_path), parameters=dict(
            region=slug, as_of=as_of, previous_as_of=previous_as_of, lang=lang, headline_path=json_path.name,
            checkout=os.path.relpath(ROOT, out_dir.resolve()),
            forecast_csv=os.path.relpath(Path(forecast_csv).resolve(), ROOT) if forecast_csv else None,
            observations_csv=os.path.relpath(Path(observations_csv).resolve(), ROOT) if observations_csv else None,
            calls_csv=os.path.relpath(Path(calls_csv).resolve(), ROOT) if calls_csv else None),
            kernel_name="python3", engine_name=inprocess.NAME, progress_bar=False, cwd=str(out_dir))
    except pm.PapermillExecutionError as exc:
        raise BriefingError(f"briefing for {slug} as of {as_of} failed in cell {exc.exec_count}: "
                            f"{exc.ename}: {exc.evalue} (partial notebook kept at {nb_path})") from None
    progress("[2/4] stripping volatile metadata")
    nb = nbformat.read(nb_path, as_version=4)
    strip_volatile(nb)
    nbformat.write(nb, nb_path)
    progress("[3/4] converting to HTML without code")
    html_path.write_text(page(nb, with_markdown=False, title=True), encoding="utf-8")
    progress(f"[4/4] wrote {out_dir}")
    return out_dir


# --- params.yaml briefings and the DVC stage --------------------------------------------------------

def entries(path: Path = PARAMS) -> dict[str, dict]:
    """The ``briefings:`` entries of params.yaml by key; each key must be REGION-AS_OF as the entry writes them."""
    from pipeline.model.forecast import Config

    return Config.load(path).briefings


def translations(path: Path = PARAMS, briefings: dict | None = None) -> dict[str, dict]:
    """params.yaml ``translations``: KEY -> {of, region, as_of, previous_as_of?, lang}: the briefing of the
    ``briefings`` entry ``of`` in another language, from that entry's cut and forecast, written to
    ``reports/REGION/AS_OF/LANG/``. Each mistake is one line naming params.yaml and the key (InputError)."""
    from pipeline.common import yamlio
    from pipeline.common.errors import InputError

    raw = ((yamlio.load_file(path) if path.exists() else {}) or {}).get("translations")
    if raw is None:
        return {}
    name = Path(path).name
    if not isinstance(raw, dict):
        raise InputError(f"{name}: translations must be a mapping of KEY: {{of, region, as_of, lang, ...}}")
    briefings = entries(path) if briefings is None else briefings
    out = {}
    for key, entry in raw.items():
        where = f"{name}: translations.{key}"
        if not isinstance(entry, dict) or not {"of", "region", "as_of", "lang"} <= set(entry):
            raise InputError(f"{where} needs of, region, as_of and lang")
        unknown = set(entry) - {"of", "region", "as_of", "previous_as_of", "lang"}
        if unknown:
            raise InputError(f"{where}: unknown field {sorted(unknown)[0]!r}")
        if str(key) in briefings:
            raise InputError(f"{where}: the key is already a briefings entry; give the translation its own key")
        of = briefings.get(str(entry["of"]))
        if of is None:
            raise InputError(f"{where}: of: no briefings entry {entry['of']!r}")
        for field in ("region", "as_of", "previous_as_of"):
            if str(entry.get(field)) != str(of.get(field)):
                raise InputError(f"{where}: {field} must be {of.get(field)!r}, as in briefings.{entry['of']} "
                                 f"(its forecast is the one translated)")
        if entry["lang"] not in i18n.LANGS:
            raise InputError(f"{where}: lang: {entry['lang']!r} is not one of {', '.join(i18n.LANGS)}")
        if entry["lang"] == of.get("lang", "zh"):
            raise InputError(f"{where}: lang: {entry['lang']!r} is already the language of briefings.{entry['of']}")
        out[str(key)] = dict(entry)
    return out


def stage(key: str) -> int:
    """DVC stage ``briefing@KEY`` (an entry of ``briefings:`` in params.yaml) or ``translation@KEY`` (an entry of
    ``translations:``: an entry's briefing in another language, in ``reports/REGION/AS_OF/LANG/``)."""
    from pipeline.common.errors import InputError
    from pipeline.model.forecast import FORECAST_DIR
    from pipeline.common.paths import CUTS, PROCESSED

    try:
        briefings = entries()
        spec, of, folder = briefings.get(key), key, None
        if spec is None:
            spec = translations(PARAMS, briefings).get(key)
            if spec is None:
                raise InputError(f"{PARAMS.name}: no entry {key!r} under briefings or translations")
            of = str(spec["of"])
            folder = REPORTS / str(spec["region"]) / str(spec["as_of"]) / str(spec["lang"])
    except InputError as exc:
        print(f"briefing: {exc}", file=sys.stderr)
        return 2
    folder = folder or REPORTS / str(spec["region"]) / str(spec["as_of"])
    return _run(spec["region"], str(spec["as_of"]), spec.get("previous_as_of"), spec.get("lang", "zh"), folder,
                FORECAST_DIR / str(spec["region"]) / f"{spec['as_of']}.csv", CUTS / f"{of}.csv",
                PROCESSED / "ledger" / f"{of}.csv")


def _run(region, as_of, previous_as_of, lang, out, forecast_csv=None, observations_csv=None, calls_csv=None) -> int:
    try:
        validate_request(region, as_of, previous_as_of, lang)
        if out is not None and not _inside_reports(Path(out)):
            raise BriefingInputError(f"--out: {out} is outside {REPORTS}; briefings are written under reports/ only")
        render(region, as_of, previous_as_of, lang, out, forecast_csv=forecast_csv, observations_csv=observations_csv,
               calls_csv=calls_csv)
    except BriefingInputError as exc:
        print(f"briefing: {exc}", file=sys.stderr)
        return 2
    except BriefingError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--stage", metavar="KEY", help="run the DVC stage for one briefings entry of params.yaml")
    parser.add_argument("--region", help="slug or name (湖南, 湖南省, hunan)")
    parser.add_argument("--as-of", help="YYYY-MM")
    parser.add_argument("--previous-as-of", help="YYYY-MM, for the 'what changed' section")
    parser.add_argument("--lang", default="zh", help=f"one of {', '.join(i18n.LANGS)}")
    parser.add_argument("--out", type=Path, help="output folder under reports/ (default reports/REGION/AS_OF)")


def run(args) -> int:
    if args.stage:
        return stage(args.stage)
    if not args.region or not args.as_of:
        print("briefing: give --region and --as-of (or --stage KEY)", file=sys.stderr)
        return 2
    return _run(args.region, args.as_of, args.previous_as_of, args.lang, args.out)
