"""Command line: ``python -m pipeline COMMAND ...``.

Each command lives in its own module exposing ``add_arguments(parser)`` and ``run(args) -> int``;
modules are imported only when their command runs, so start-up stays fast.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

COMMANDS = {
    "validate": ("pipeline.sources.check", "check raw files; one line per problem as PATH:ROW:COLUMN: message"),
    "ingest": ("pipeline.sources.ingest", "DVC stage: validate data/raw and write tidy tables to data/processed"),
    "import-portal": ("pipeline.sources.portal", "convert a statistics-portal export to the raw indicator schema"),
    "read-release": ("pipeline.sources.releases.cli", "read NBS/MOF release texts (.txt, .html) into the raw indicator schema"),
    "targets": ("pipeline.sources.targets", "extract targets from a work report text (or run the targets stage)"),
    "forecast": ("pipeline.model.forecast.stage", "forecast full-year outcomes and P(target met) as of a month"),
    "backtest": ("pipeline.evaluation.backtest.stage", "rolling-origin backtest of the forecasters"),
    "briefing": ("pipeline.presentation.briefing", "run one briefing notebook outside DVC"),
    "scoreboard": ("pipeline.presentation.scoreboard", "one page with P(met) of every region's main targets in a year"),
    "track-record": ("pipeline.model.track_record", "a region's record against its targets"),
    "html": ("pipeline.presentation.notebook_html", "an executed notebook as an offline page that reads without CJK fonts"),
    "calls": ("pipeline.evaluation.calls", "the tool's own past calls (ledger/calls.csv) scored against the outcomes"),
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text, add_help=False)
    if not argv or argv[0] in {"-h", "--help"} or argv[0] not in COMMANDS:
        parser.print_help() if not argv or argv[0] in {"-h", "--help"} else parser.parse_args(argv)
        return 0 if not argv or argv[0] in {"-h", "--help"} else 2
    module_name, help_text = COMMANDS[argv[0]]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            print(f"command {argv[0]!r} is not available yet ({module_name} missing)", file=sys.stderr)
            return 2
        raise
    cmd_parser = argparse.ArgumentParser(prog=f"python -m pipeline {argv[0]}", description=help_text)
    module.add_arguments(cmd_parser)
    args = cmd_parser.parse_args(argv[1:])
    try:
        return int(module.run(args) or 0)
    except BrokenPipeError:  # the reader stopped early (| head): not a mistake, nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except known_mistakes() as exc:
        return report_mistake(argv[0], exc)


def known_mistakes() -> tuple[type[BaseException], ...]:
    """Exception types that mean a user mistake (imported late: start-up stays fast)."""
    from pipeline.common.errors import InputError
    from pipeline.sources.registry import UnknownName
    from pipeline.sources.validate import RawDataError

    return InputError, UnknownName, RawDataError, OSError


def report_mistake(command: str, exc: BaseException) -> int:
    """The last-resort handler: a user mistake becomes its line(s) on stderr and exit 1 (data) or 2 (argument).

    Only the types of known_mistakes() get here; any other exception is a bug and keeps its traceback.
    An OSError (a file that cannot be read) is printed with its type, so a bug is not mistaken for a typo.
    """
    from pipeline.common.errors import InputError
    from pipeline.sources.registry import UnknownName
    from pipeline.sources.validate import RawDataError

    if isinstance(exc, RawDataError):
        lines, code = [str(p) for p in exc.problems], 1
    elif isinstance(exc, InputError):
        lines, code = exc.lines, exc.code
    elif isinstance(exc, UnknownName):
        lines, code = [str(exc)], 2
    else:
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        lines, code = [f"{where}{type(exc).__name__}: {exc.strerror or exc}"], 1
    prefix = "" if isinstance(exc, RawDataError) else f"{command}: "
    for line in lines:
        print(prefix + line, file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
