"""Reading rendered pages back in the tests: a small element tree from the HTML parser of the standard library, the
marked extractions of an annotated text (``data-kind``) with their text content, and the checks of the contract of
``fazhi_lib.annotate`` (each element's text is exactly its slice of the cleaned text)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    def text(self) -> str:
        """textContent: the text of every descendant, in order."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Element):
                yield from c.iter()

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.node = self.root

    def handle_starttag(self, tag, attrs):
        el = Element(tag, {k: v or "" for k, v in attrs}, self.node)
        self.node.children.append(el)
        if tag not in VOID:
            self.node = el

    def handle_startendtag(self, tag, attrs):
        self.node.children.append(Element(tag, {k: v or "" for k, v in attrs}, self.node))

    def handle_endtag(self, tag):
        node = self.node
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None and node.parent is not None, f"unexpected </{tag}>"
        self.node = node.parent

    def handle_data(self, data):
        self.node.children.append(data)


def parse(page: str) -> Element:
    """The element tree of ``page`` (raises AssertionError on an end tag that closes nothing)."""
    builder = _Builder()
    builder.feed(page)
    builder.close()
    return builder.root


def marked(root: Element) -> list[Element]:
    """Every element with a ``data-kind``, in document order."""
    return [el for el in root.iter() if "data-kind" in el.attrs]


def offsets(el: Element) -> tuple[str, int, int]:
    return el.attrs["data-kind"], int(el.attrs["data-start"]), int(el.attrs["data-end"])


def check_contract(root: Element, text: str) -> list[Element]:
    """Assert that every marked element's text is exactly its slice of ``text``; returns the elements."""
    elements = marked(root)
    for el in elements:
        kind, start, end = offsets(el)
        assert el.text() == text[start:end], (kind, start, end, el.text()[:40], text[start:end][:40])
    return elements


def whole_ranges(elements: list[Element]) -> dict[tuple[str, int, int], int]:
    """How many times each extraction (kind, start, end) is marked: an unsplit element counts once for its range; the
    fragments of a split one count once together, under the range of ``data-whole``, when they tile it."""
    counts: dict[tuple[str, int, int], int] = {}
    pieces: dict[tuple[str, int, int], list[tuple[int, int]]] = {}
    for el in elements:
        kind, start, end = offsets(el)
        if "data-whole" in el.attrs:
            a, b = (int(x) for x in el.attrs["data-whole"].split("-"))
            pieces.setdefault((kind, a, b), []).append((start, end))
        else:
            counts[(kind, start, end)] = counts.get((kind, start, end), 0) + 1
    for (kind, a, b), parts in pieces.items():
        parts.sort()
        assert parts[0][0] == a and parts[-1][1] == b, (kind, a, b, parts)
        assert all(x[1] == y[0] for x, y in itertools.pairwise(parts)), (kind, a, b, parts)
        counts[(kind, a, b)] = counts.get((kind, a, b), 0) + 1
    return counts
