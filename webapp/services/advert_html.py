"""Advert text as safe HTML: the one allow-list for what a council's HTML may keep, and the one way an
advert becomes HTML for the job page, JSON-LD and feeds.

Councils' systems send adverts as HTML (headings, lists, links). nh3 (Rust's ammonia, a kept
sanitiser) keeps only the tags and attributes below and drops scripts, styles, event handlers and
javascript: links. A vacancy keeps two forms of its description: ``description`` as plain text
(what search indexes, matching embeds and the form edits) and, when HTML was sent,
``description_html`` sanitised here. Showing it sanitises again on the way out, so a row written
before a change to the allow-list can never carry more than the list allows now.
"""
from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from itertools import groupby

import nh3
from markupsafe import Markup, escape

# What an advert needs and nothing more: structure, emphasis, lists and links. No images (a
# tracking pixel or an off-brand banner), no tables (they break on a phone), no style or class.
ALLOWED_TAGS = frozenset({
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "ul", "ol", "li", "a", "blockquote",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"https", "http", "mailto"})
# Tags whose content is code or styling, not words: removed with what is inside them.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "noscript", "iframe", "object"})
LINK_REL = "noopener noreferrer nofollow"  # a council's links are not the site's endorsement

# GOV.UK Design System classes the job page adds on display; stored HTML stays class-free for feeds.
PAGE_CLASSES = {
    "p": {"class": "govuk-body"},
    "h2": {"class": "govuk-heading-m"},
    "h3": {"class": "govuk-heading-s"},
    "h4": {"class": "govuk-heading-s"},
    "ul": {"class": "govuk-list govuk-list--bullet"},
    "ol": {"class": "govuk-list govuk-list--number"},
    "a": {"class": "govuk-link"},
    "blockquote": {"class": "govuk-inset-text"},
}

_TAG = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
_BULLET = re.compile(r"^\s*[-•*]\s+")


def looks_like_html(text: str | None) -> bool:
    """True if the text has markup (a tag or an entity), so it is read as HTML rather than as
    plain text: "salary < £40k" or "A&E" stay plain text."""
    return bool(text) and bool(_TAG.search(text or ""))


def _clean(raw: str, **extra) -> str:
    return nh3.clean(
        raw,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        link_rel=LINK_REL,
        strip_comments=True,
        **extra,
    )


def sanitise(raw: str | None) -> str:
    """The HTML with only the allowed tags and attributes left; links get rel=nofollow."""
    return _clean(raw or "").strip()


class _TextWriter(HTMLParser):
    """Sanitised advert HTML as the site's plain text: paragraphs split by blank lines, list items
    as "- " lines (the same conventions the form's text uses), entities read."""

    BLOCKS = {"p", "h2", "h3", "h4", "ul", "ol", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        joined = "".join(self.parts)
        lines = [line.strip() for line in joined.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(sanitised: str) -> str:
    writer = _TextWriter()
    writer.feed(sanitised)
    writer.close()
    return writer.text()


def read_description(raw: str | None) -> tuple[str, str | None]:
    """A description as sent (plain text or HTML) → (plain text, sanitised HTML or None).

    The text is what the vacancy rules check for length and emptiness, so an advert of only
    ``<script>`` is as empty as one of spaces.
    """
    if not looks_like_html(raw):
        return raw or "", None
    clean = sanitise(raw)
    return html_to_text(clean), (clean or None)


def text_as_html(text: str | None, paragraph_class: str = "", list_class: str = "") -> Markup:
    """Plain text as HTML, everything escaped: blank lines split paragraphs, lines starting "- "
    become a bulleted list, other single newlines break lines. Class-free for JSON-LD and feeds;
    the pages' `paragraphs` filter passes the Design System's classes."""
    if type(text) is not str:  # Markup is escaped differently, yet equal to the same str as a cache key
        return _text_as_html(text, paragraph_class, list_class)
    return _kept_text_as_html(text, paragraph_class, list_class)


def _text_as_html(text: str | None, paragraph_class: str, list_class: str) -> Markup:
    p_open = f'<p class="{paragraph_class}">' if paragraph_class else "<p>"
    ul_open = f'<ul class="{list_class}">' if list_class else "<ul>"
    blocks: list[str] = []
    for block in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n")):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        for is_list, run in groupby(lines, key=lambda line: bool(_BULLET.match(line))):
            if is_list:
                blocks.append(ul_open + "".join(f"<li>{escape(_BULLET.sub('', item))}</li>" for item in run) + "</ul>")
            else:
                blocks.append(p_open + str(Markup("<br>").join(escape(line) for line in run)) + "</p>")
    return Markup("".join(blocks))


# Pages show the same texts again and again (an advert, a council's offer): each is made HTML once per process.
_kept_text_as_html = functools.lru_cache(maxsize=4096)(_text_as_html)


def description_markup(description: str | None, description_html: str | None) -> Markup:
    """The description as class-free safe HTML: the council's sanitised HTML if it sent HTML, else its text."""
    if description_html:
        return _sanitised_markup(str(description_html))
    return text_as_html(description)


@functools.lru_cache(maxsize=1024)
def _sanitised_markup(description_html: str) -> Markup:
    return Markup(sanitise(description_html))


def advert_markup(summary: str | None, description: str | None, description_html: str | None) -> Markup:
    """The whole advert (summary, then description) as class-free safe HTML: JSON-LD and feeds."""
    lead = Markup("<p>{}</p>").format(summary) if summary else Markup("")
    return lead + description_markup(description, description_html)


def for_page(description_html: str) -> Markup:
    """Sanitised HTML, sanitised again and dressed in the Design System's classes, for the job page."""
    return _for_page(str(description_html))


# The same advert is shown again and again: each stored text is sanitised once per process, not on every page.
@functools.lru_cache(maxsize=1024)
def _for_page(description_html: str) -> Markup:
    return Markup(_clean(description_html, set_tag_attribute_values=PAGE_CLASSES))
