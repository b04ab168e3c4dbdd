"""Reading a page as a browser would, to tell whether hostile input in it could run."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

VECTORS_FILE = Path(__file__).with_name("xss_vectors.txt")

# Script types a browser never runs: data for our own code (JSON-LD, the admin's JSON, the
# import map of the admin's editor).
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json", "importmap"}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "background",
    "poster",
    "srcset",
    "ping",
}
# The admin draws its icons with inline <svg>: an SVG is judged by its scripts, handlers and URLs.
FORBIDDEN_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base"}
FORBIDDEN_ELEMENTS |= {"template", "isindex", "keygen", "marquee"}
# Scripts of our own: static files, and the admin's translation catalogue.
OUR_SCRIPT_PREFIXES = ("/static/", "/admin/jsi18n/")
# What a browser drops before reading a scheme (the URL standard): tabs and newlines anywhere
# ("java\tscript:" is "javascript:"), controls and spaces around. Anything else, a zero-width
# space included, makes the scheme invalid and the URL a harmless relative one.
TABS_AND_NEWLINES = re.compile(r"[\t\n\r]")
CONTROLS_AND_SPACES = "".join(chr(code) for code in range(0x21))
DANGEROUS_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)
SAFE_DATA_URL = re.compile(r"^data:image/(png|jpeg|gif|webp);", re.IGNORECASE)
DANGEROUS_STYLE = re.compile(r"expression\(|javascript:|behavior:|-moz-binding|@import", re.I)


def load_vectors():
    lines = VECTORS_FILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("# ")]


class Page(HTMLParser):
    """Elements, attributes, scripts and text of an HTML page."""

    def __init__(self, content):
        super().__init__(convert_charrefs=True)
        self.elements, self.attributes, self.scripts, self.styles = [], [], [], []
        self._chunks, self._current = [], None
        self.feed(content)
        self.close()
        self.text = "".join(self._chunks)

    def handle_starttag(self, tag, attrs):
        self.elements.append(tag)
        self.attributes.extend((tag, name, value or "") for name, value in attrs)
        if tag in {"script", "style"}:
            self._current = {"tag": tag, "attrs": dict(attrs), "content": ""}
            (self.scripts if tag == "script" else self.styles).append(self._current)

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._current = None

    def handle_data(self, data):
        if self._current is not None:
            self._current["content"] += data
        else:
            self._chunks.append(data)

    def attribute_values(self, tag, name):
        return [value for t, n, value in self.attributes if t == tag and n == name]


def script_hazard(script):
    attrs = script["attrs"]
    if attrs.get("src") is not None:
        ours = attrs["src"].startswith(OUR_SCRIPT_PREFIXES)
        return None if ours else f"script from {attrs['src']!r}"
    if attrs.get("type") in DATA_SCRIPT_TYPES:
        try:
            json.loads(script["content"])
        except ValueError:
            return f"{attrs['type']} script that is not JSON: {script['content'][:80]!r}"
        return None
    return f"inline script: {script['content'][:80]!r}"


def hazards(content):
    """Everything in the page through which a script could run; empty when the page is inert."""
    page = Page(content)
    found = [hazard for hazard in map(script_hazard, page.scripts) if hazard]
    found += [f"<{tag}> element" for tag in page.elements if tag in FORBIDDEN_ELEMENTS]
    for tag, name, value in page.attributes:
        if name.startswith("on"):
            found.append(f"event handler {name}= on <{tag}>")
        elif name == "srcdoc":
            found.append(f"srcdoc on <{tag}>")
        elif name in URL_ATTRIBUTES:
            url = TABS_AND_NEWLINES.sub("", value).strip(CONTROLS_AND_SPACES)
            if DANGEROUS_SCHEME.match(url) and not SAFE_DATA_URL.match(url):
                found.append(f"{name}={value[:60]!r} on <{tag}>")
        elif name == "style" and DANGEROUS_STYLE.search(value):
            found.append(f"style={value[:60]!r} on <{tag}>")
        elif tag == "meta" and name == "http-equiv" and value.lower() == "refresh":
            found.append("<meta http-equiv=refresh>")
    found += [
        f"<style> holding {style['content'][:60]!r}"
        for style in page.styles
        if DANGEROUS_STYLE.search(style["content"]) or "XSS" in style["content"]
    ]
    return found
