"""Search highlights: the private markers both engines wrap matches in, and their safe HTML form."""
from __future__ import annotations

from markupsafe import Markup, escape

# Private-use characters: they never occur in a job advert (and are stripped if they do), and
# unlike control characters Elasticsearch's unified highlighter does not trim them off a fragment.
MARK_START, MARK_END = "\ue000", "\ue001"
_MARKERS_AS_SPACES = str.maketrans({MARK_START: " ", MARK_END: " "})


def without_markers(text: str | None) -> str:
    """Text as it may be indexed: any marker characters it contains turned into spaces."""
    return (text or "").translate(_MARKERS_AS_SPACES)


def highlight_html(text: str | None) -> Markup:
    """Escape everything, then turn the engine's markers into <mark>: safe to put in a page.

    Markers are paired as they are read, so the HTML is balanced even when an engine cuts a
    fragment between a start and an end marker (a stray end is dropped, an open one closed)."""
    escaped = str(escape(text or ""))
    out: list[str] = []
    open_mark = False
    for char in escaped:
        if char == MARK_START:
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif char == MARK_END:
            if open_mark:
                out.append("</mark>")
                open_mark = False
        else:
            out.append(char)
    if open_mark:
        out.append("</mark>")
    return Markup("".join(out))
