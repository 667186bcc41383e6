"""Any executed notebook of the project (explore, backtest, scoreboard) as a page that reads anywhere.

``jupyter nbconvert --to html`` gives a page whose Chinese text is boxes on a machine without CJK fonts and
that loads require.js and MathJax from a CDN. This command gives the briefing's treatment instead: the scripts
that point at the network dropped, the page's own Chinese characters embedded as a font, code hidden unless
asked for. ``python -m pipeline html reports/explore.ipynb`` writes ``reports/explore.html``.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.common.errors import InputError
from pipeline.presentation.briefing.fonts import embed_cjk_font


def page(nb, with_code: bool = False, with_markdown: bool = True, title: bool = False) -> str:
    """The notebook node as one offline HTML page with its Chinese characters in an embedded font (the briefing
    pages too: no markdown cells, the title from the notebook's heading)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=not with_code, exclude_markdown=not with_markdown,
                            exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    return embed_cjk_font(offline(_set_title(body, nb) if title else body))


def offline(body: str) -> str:
    """Drop the scripts nbconvert's template points at a CDN: require.js and MathJax by ``src``, and the module
    that imports mermaid from cdnjs when a page has a diagram. The pages have no widgets, formulas or diagrams,
    and must open with no network at all."""
    import re

    body = re.sub(r'<script[^>]*\bsrc="https?://[^"]*"[^>]*>\s*</script>\s*', "", body)
    return re.sub(r'<script type="module">(?:(?!</script>).)*?import\("https?://(?:(?!</script>).)*</script>\s*',
                  "", body, flags=re.S)


def _set_title(body: str, nb) -> str:
    """The page <title> is the notebook's first "# " heading among its outputs (a briefing's title)."""
    import html
    import re

    title = ""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            md = out.get("data", {}).get("text/markdown", "")
            if md.startswith("# "):
                title = md[2:].strip()
                break
        if title:
            break
    if not title:
        return body
    return re.sub(r"<title>.*?</title>", lambda _: f"<title>{html.escape(title)}</title>", body, count=1, flags=re.S)


def read_notebook(path: Path):
    """The notebook at ``path``; InputError naming the file for a missing, unreadable or non-notebook file."""
    import nbformat

    if path.suffix != ".ipynb":
        raise InputError([f"{path}: not a notebook (.ipynb): run it first, e.g. papermill notebooks/explore.ipynb "
                          f"out.ipynb -p region 长沙"])
    if not path.is_file():
        raise InputError([f"{path}: no such notebook"])
    try:
        return nbformat.read(path, as_version=4)
    except Exception as exc:  # nbformat raises JSON, validation and encoding errors of many types
        raise InputError([f"{path}: not a readable notebook ({type(exc).__name__}: {str(exc).splitlines()[0]})"]) from None


def add_arguments(parser) -> None:
    parser.add_argument("notebook", type=Path, help="an executed notebook (.ipynb)")
    parser.add_argument("--out", type=Path, help="the page to write (default: the notebook's name with .html)")
    parser.add_argument("--with-code", action="store_true", help="keep the code cells (hidden by default)")


def run(args) -> int:
    nb = read_notebook(args.notebook)
    out = args.out or args.notebook.with_suffix(".html")
    if out.suffix not in (".html", ".htm"):
        raise InputError([f"--out {out}: give a .html file"])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page(nb, args.with_code), encoding="utf-8")
    print(f"wrote {out}")
    return 0
