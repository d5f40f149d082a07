"""Renders Markdown with cmark-gfm, the renderer GitHub uses (through the
cmarkgfm binding, GitHub-flavoured: tables, strikethrough, autolinks, safe
mode), and prints the structure it produced as JSON: headings, every table's
header and the cells of each row, the text of the code spans, and how
many pieces of raw HTML safe mode had to omit. tests/consumers.rs asserts on it.

usage: render_markdown.py REPORT.md
"""

import json
import sys
from html.parser import HTMLParser

import cmarkgfm


class Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.tables: list[dict] = []
        self.codes: list[str] = []
        self.raw_html_omitted = 0
        self._text: list[str] | None = None
        self._row: list[str] | None = None
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "code", "td", "th"):
            self._text = []
        if tag == "table":
            self.tables.append({"header": [], "rows": []})
        elif tag == "thead":
            self._in_head = True
        elif tag == "tbody":
            self._in_head = False
        elif tag == "tr":
            self._row = []

    def handle_endtag(self, tag):
        text = "".join(self._text or [])
        if tag in ("h1", "h2", "h3"):
            self.headings.append(f"{tag}:{text}")
        elif tag == "code":
            self.codes.append(text)
        elif tag in ("td", "th") and self._row is not None:
            self._row.append(text)
        elif tag == "tr" and self._row is not None:
            table = self.tables[-1]
            if self._in_head:
                table["header"] = self._row
            else:
                table["rows"].append(self._row)
            self._row = None
        if tag in ("h1", "h2", "h3", "td", "th"):
            self._text = None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)

    def handle_comment(self, data):
        if "raw HTML omitted" in data:
            self.raw_html_omitted += 1


def main(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        html = cmarkgfm.github_flavored_markdown_to_html(f.read())
    parser = Structure()
    parser.feed(html)
    print(
        json.dumps(
            {
                "headings": parser.headings,
                "tables": parser.tables,
                "codes": parser.codes,
                "raw_html_omitted": parser.raw_html_omitted,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
