"""The one allow-list for article bodies, shared by the admin editor and `Article.save()`.

What the editor can produce is exactly what survives: headings, paragraphs, emphasis, links,
lists, quotes, simple tables, and four kinds of `<figure>` the editor inserts as blocks (a photo
from the library, a gallery, a video, a pull quote). Everything else (scripts, event handlers,
style attributes, images and frames pasted from elsewhere, `javascript:` links) is removed by
nh3, a maintained sanitiser.

A figure carries no markup of its own, only data attributes (the reader's page builds the photo,
gallery, player or quote from them): nh3 checks each value (`_checked_value`), then each figure
is checked as a whole (`_FigureChecker`): exactly one kind, only that kind's attributes, and a
video the reader's page can show by the rules of `articles.embeds` (a known provider, one of its
ids, a PeerTube instance from ARTICLES_PEERTUBE_HOSTS). A figure that fails is dropped entirely.
"""

import re
from html.parser import HTMLParser

import nh3
from django.urls import reverse_lazy

from . import embeds

# The editor's toolbar, as django-prose-editor extensions (the figures' and the table's are the
# project's own, in static/articles/editor/, registered by DJANGO_PROSE_EDITOR_EXTENSIONS).
# Headings start at h2: the page's only h1 is the headline.
EDITOR_EXTENSIONS = {
    "Heading": {"levels": [2, 3]},
    "Bold": True,
    "Italic": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    "History": True,
    # The photo and gallery dialogs search and add to the library through the photo admin.
    "Photo": {
        "chooseUrl": reverse_lazy("admin:photos_photo_choose"),
        "uploadUrl": reverse_lazy("admin:photos_photo_upload"),
    },
    "Gallery": {
        "chooseUrl": reverse_lazy("admin:photos_photo_choose"),
        "uploadUrl": reverse_lazy("admin:photos_photo_upload"),
        "minPhotos": 2,
        "maxPhotos": 12,
    },
    # The server says which video an address is (ArticleAdmin.embed_view).
    "Embed": {"checkUrl": reverse_lazy("admin:articles_article_embed")},
    "PullQuote": True,
    # Tiptap's table, with a header row and no merged cells.
    "SimpleTable": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    # The toolbar: the blocks a journalist inserts ("insert") get a group of their own.
    "Menu": {
        "groups": [
            {"group": "blockType -lists", "type": "dropdown", "minItems": 2},
            {"group": "lists"},
            {"group": "nodes -blockType -lists"},
            {"group": "marks"},
            {"group": "link"},
            {"group": "insert"},
            {"group": "table"},
            {"group": "history"},
        ]
    },
}

# --- Figures --------------------------------------------------------------------------------------

#: Each kind of figure: the attribute that names it, and every attribute it may carry.
FIGURES = {
    "data-photo": ("data-photo", "data-width", "data-alt", "data-caption", "data-credit"),
    "data-gallery": ("data-gallery",),
    "data-embed": ("data-embed", "data-embed-id", "data-embed-host", "data-embed-title"),
    "data-pullquote": ("data-pullquote", "data-quote", "data-source"),
}
PHOTO_WIDTHS = {"text", "full"}
GALLERY_SIZE = (2, 12)
#: Written by journalists, shown to readers as text (escaped like any attribute value).
TEXT_ATTRIBUTES = {
    "data-alt",
    "data-caption",
    "data-credit",
    "data-embed-title",
    "data-quote",
    "data-source",
}
_PHOTO_ID = re.compile(r"[0-9]{1,10}")
_GALLERY = re.compile(r"[0-9]{1,10}(?:,[0-9]{1,10})+")


def _gallery(value):
    ids = value.split(",")
    low, high = GALLERY_SIZE
    return value if _GALLERY.fullmatch(value) and low <= len(ids) <= high else None


def _embed_host(value):
    host = value.strip().lower()
    return host if host in embeds.peertube_hosts() else None


def _embed_id(value):
    # The provider is checked with the figure as a whole: here, any provider's ids.
    shapes = (provider.id_pattern for provider in embeds.PROVIDERS.values())
    return value if any(shape.fullmatch(value) for shape in shapes) else None


def _text(value):
    # An empty override means "the library's own": the attribute is simply left out.
    return value.strip() or None


#: figure attribute -> what a valid value becomes (None: the attribute is removed).
_FIGURE_VALUES = {
    "data-photo": lambda value: value if _PHOTO_ID.fullmatch(value) else None,
    "data-width": lambda value: value if value in PHOTO_WIDTHS else None,
    "data-gallery": _gallery,
    "data-embed": lambda value: value if value in embeds.PROVIDERS else None,
    "data-embed-id": _embed_id,
    "data-embed-host": _embed_host,
    # A marker: its value means nothing.
    "data-pullquote": lambda value: "",
    **dict.fromkeys(TEXT_ATTRIBUTES, _text),
}


def _checked_value(element, attribute, value):
    """nh3's attribute filter: a figure's attribute keeps a value of the right shape only."""
    if element == "figure":
        return _FIGURE_VALUES[attribute](value)
    return value


def _figure_attributes(attributes):
    """The attributes of a valid figure, in their order, or None when it must go."""
    kinds = [kind for kind in FIGURES if kind in attributes]
    if len(kinds) != 1:
        return None
    kind = kinds[0]
    kept = {name: value for name, value in attributes.items() if name in FIGURES[kind]}
    if kind == "data-embed":
        # The reader's page shows the video by the same rules (articles.embeds).
        try:
            video = embeds.from_attributes(
                kept["data-embed"], kept.get("data-embed-id"), kept.get("data-embed-host")
            )
        except embeds.NotAnEmbed:
            return None
        if not video.host:
            kept.pop("data-embed-host", None)
    elif kind == "data-pullquote" and not kept.get("data-quote"):
        return None
    return kept


def _escape(value):
    """An attribute value escaped as nh3 escapes them, so that sanitising twice changes
    nothing."""
    for character, entity in (("&", "&amp;"), ('"', "&quot;"), ("<", "&lt;"), (">", "&gt;")):
        value = value.replace(character, entity)
    return value.replace("\xa0", "&nbsp;")


class _FigureChecker(HTMLParser):
    """Copies nh3's output as it is, except each figure: written again from its checked
    attributes, without content (the editor's figures have none), or dropped."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.parts = []
        self.inside_figure = 0  # nesting depth of the figure being replaced

    def handle_starttag(self, tag, attrs):
        if tag == "figure":
            self.inside_figure += 1
            if self.inside_figure == 1:
                kept = _figure_attributes({name: value or "" for name, value in attrs})
                if kept is not None:
                    written = "".join(f' {name}="{_escape(value)}"' for name, value in kept.items())
                    self.parts.append(f"<figure{written}></figure>")
        elif not self.inside_figure:
            self.parts.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        if not self.inside_figure:
            self.parts.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if tag == "figure":
            self.inside_figure = max(self.inside_figure - 1, 0)
        elif not self.inside_figure:
            self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.inside_figure:
            self.parts.append(data)

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")


def _check_figures(html):
    if "<figure" not in html:
        return html
    checker = _FigureChecker()
    checker.feed(html)
    checker.close()
    return "".join(checker.parts)


# --- The allow-list -------------------------------------------------------------------------------

ALLOWED_TAGS = {
    "p",
    "br",
    "h2",
    "h3",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "figure",
    # Tiptap's table writes table > tbody > tr > th|td > p; thead is kept for pasted tables.
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
# No `style`, no `class`, no `on*`, no `colspan`/`rowspan` (no merged cells): only what a link
# needs, and a figure's data attributes, whose values `_checked_value` checks.
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "figure": {name for names in FIGURES.values() for name in names},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    # The content of these is dropped, not kept as text: a reader must never see a script's code.
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_checked_value,
    url_schemes=ALLOWED_URL_SCHEMES,
    # A linked page must not get a handle on ours (window.opener).
    link_rel="noopener",
    strip_comments=True,
)


def sanitize_html(html):
    """Return `html` reduced to the allow-list; an editor's empty paragraph becomes ''."""
    cleaned = _check_figures(_cleaner.clean(html or "")).strip()
    if cleaned in {"<p></p>", "<p><br></p>"}:
        return ""
    return cleaned
