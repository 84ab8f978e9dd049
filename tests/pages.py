"""Read a rendered page the way a person does: parsed, element by element, not as a string.

A substring check on `response.text` passes if the words appear anywhere (the navigation, the
footer, a hidden template, an attribute); these helpers find the element the promise is about.
Every text is whitespace-normalised, so a template's line breaks never matter.
"""
from __future__ import annotations

from bs4 import BeautifulSoup, Comment, NavigableString, Tag


def page(response_or_html) -> BeautifulSoup:
    """The parsed page of a test client response (or of HTML text)."""
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.get_data(as_text=True)
    return BeautifulSoup(html, "html.parser")


def normalised(text: str) -> str:
    return " ".join(text.split())


# Elements that start on a new line as the browser lays them out: a space between their texts.
_BLOCKS = {"address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div", "dl", "dt",
           "fieldset", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "legend",
           "li", "main", "nav", "ol", "p", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
           "tr", "ul"}


def _text(element: Tag) -> str:
    """The words a reader sees: inline elements (<strong>, <mark>, <a>) run on, blocks are separated."""
    parts = []
    for node in element.descendants:
        if isinstance(node, Tag):
            if node.name in _BLOCKS or "govuk-!-display-block" in (node.get("class") or []):
                parts.append(" ")
        elif isinstance(node, NavigableString) and not isinstance(node, Comment) \
                and node.parent.name not in ("script", "style", "template"):
            parts.append(str(node))
    return normalised("".join(parts))


def text_of(soup: BeautifulSoup | Tag, css: str) -> str:
    """The text of the one element `css` selects; fails if there is none or more than one."""
    found = soup.select(css)
    assert len(found) == 1, f"expected one element for {css!r}, found {len(found)}"
    return _text(found[0])


def texts(soup: BeautifulSoup | Tag, css: str) -> list[str]:
    """The text of every element `css` selects, in page order."""
    return [_text(element) for element in soup.select(css)]


def main_text(soup: BeautifulSoup) -> str:
    """The page's main content only (no header, navigation or footer)."""
    return text_of(soup, "main")


def heading(soup: BeautifulSoup) -> str:
    return text_of(soup, "h1")


def error_summary(soup: BeautifulSoup) -> list[str]:
    """The messages in the GOV.UK error summary at the top of the page ([] if there is none)."""
    return texts(soup, ".govuk-error-summary__list li")


def error_summary_links(soup: BeautifulSoup) -> dict[str, str]:
    """Each error summary message and the field it links to ('#email' → 'Enter your email ...')."""
    return {a["href"]: _text(a) for a in soup.select(".govuk-error-summary__list a")}


def field_error(soup: BeautifulSoup, field_id: str) -> str | None:
    """The error message shown next to a field (GOV.UK `<p class="govuk-error-message"
    id="<field>-error">`), without its visually hidden "Error:" prefix; None if there is none."""
    element = soup.find(id=f"{field_id}-error")
    if element is None:
        return None
    for hidden in element.select(".govuk-visually-hidden"):
        hidden.extract()
    return _text(element)


def table_rows(soup: BeautifulSoup | Tag, css: str = "table") -> list[list[str]]:
    """The body rows of the one table `css` selects, each a list of its cells' texts (th and td)."""
    tables = soup.select(css)
    assert len(tables) == 1, f"expected one table for {css!r}, found {len(tables)}"
    table = tables[0]
    body = table.find("tbody") or table
    return [[_text(cell) for cell in row.find_all(["th", "td"])] for row in body.find_all("tr")
            if row.find_parent("thead") is None and row.find("td") is not None]


def table_headers(soup: BeautifulSoup | Tag, css: str = "table") -> list[str]:
    tables = soup.select(css)
    assert len(tables) == 1, f"expected one table for {css!r}, found {len(tables)}"
    head = tables[0].find("thead")
    return [_text(cell) for cell in (head or tables[0]).find("tr").find_all(["th", "td"])]


def links(soup: BeautifulSoup | Tag, css: str = "a") -> list[tuple[str, str]]:
    """(text, href) of every link `css` selects, in page order."""
    return [(_text(a), a.get("href", "")) for a in soup.select(css)]


def summary_list(soup: BeautifulSoup | Tag, css: str = ".govuk-summary-list") -> dict[str, str]:
    """A GOV.UK summary list (every one `css` selects, merged) as {key: value}."""
    rows = {}
    for row in soup.select(f"{css} .govuk-summary-list__row"):
        key, value = row.select_one(".govuk-summary-list__key"), row.select_one(".govuk-summary-list__value")
        if key is not None and value is not None:
            rows[_text(key)] = _text(value)
    return rows


def summary_lists(soup: BeautifulSoup | Tag) -> list[dict[str, str]]:
    """Every GOV.UK summary list on the page, in order, each as {key: value}."""
    found = []
    for summary in soup.select(".govuk-summary-list"):
        rows = {}
        for row in summary.select(".govuk-summary-list__row"):
            key, value = row.select_one(".govuk-summary-list__key"), row.select_one(".govuk-summary-list__value")
            if key is not None and value is not None:
                rows[_text(key)] = _text(value)
        found.append(rows)
    return found


def tags(soup: BeautifulSoup | Tag, css: str = ".govuk-tag") -> list[str]:
    """The text of every status tag."""
    return texts(soup, css)


def navigation(soup: BeautifulSoup) -> list[str]:
    """The links in the service header's navigation (who is signed in sees different ones)."""
    return texts(soup, "header nav a, .govuk-header__navigation a, .govuk-service-navigation a")


def input_value(soup: BeautifulSoup, name: str) -> str | None:
    element = soup.find(attrs={"name": name})
    return None if element is None else element.get("value")
