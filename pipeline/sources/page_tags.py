"""What of a saved web page is text: the tags both page readers (work reports, release texts) skip, treat as
line breaks, or never close. Kept in one place so the two readers cut a page the same way."""

SKIP_TAGS = frozenset({"script", "style", "noscript", "head", "nav", "header", "footer", "aside", "form", "select",
                       "button", "iframe", "svg", "template", "object"})
VOID_TAGS = frozenset({"br", "img", "hr", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr",
                       "param"})
BLOCK_TAGS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
                        "main", "table", "ul", "ol", "dd", "dt", "blockquote", "pre", "hr", "center", "body"})
