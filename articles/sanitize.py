"""The one allow-list for article bodies, shared by the admin editor and `Article.save()`.

What the editor can produce is exactly what survives: headings, paragraphs, emphasis, links,
lists and quotes. Everything else (scripts, event handlers, style attributes, images pasted from
elsewhere, `javascript:` links) is removed by nh3, a maintained sanitiser.
"""

import nh3

# The editor's toolbar, as django-prose-editor extensions. Headings start at h2: the page's only
# h1 is the headline.
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
}

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
}
# No `style`, no `class`, no `on*`: only what a link needs.
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    # The content of these is dropped, not kept as text: a reader must never see a script's code.
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes=ALLOWED_URL_SCHEMES,
    # A linked page must not get a handle on ours (window.opener).
    link_rel="noopener",
    strip_comments=True,
)


def sanitize_html(html):
    """Return `html` reduced to the allow-list; an editor's empty paragraph becomes ''."""
    cleaned = _cleaner.clean(html or "").strip()
    if cleaned in {"<p></p>", "<p><br></p>"}:
        return ""
    return cleaned
