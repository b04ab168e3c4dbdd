"""An article's body as readers, feeds and search get it.

`Article.body` is sanitised HTML (articles.sanitize): headings, paragraphs, lists, links, quotes
and tables, plus empty `<figure>` elements whose data attributes name what goes there:

- a photo of the library: `<figure data-photo="42" data-width="text|full" [data-alt="…"]
  [data-caption="…"] [data-credit="…"]>`, the non-empty overrides replacing the library's
  description for this article;
- a gallery: `<figure data-gallery="42,43,44">`, in that order;
- a video: `<figure data-embed="youtube|vimeo|dailymotion|peertube" data-embed-id="…"
  data-embed-title="…" [data-embed-host="…"]>` (articles.embeds);
- a pull quote: `<figure data-pullquote="" data-quote="…" data-source="…">`.

Those figures are replaced by their markup; the rest of the body is kept as the sanitiser wrote
it, except that tables get their column headers' scope and a scrolling frame. Every value read
from an attribute is plain text, escaped again on the way out, and whatever a node's figure
holds is dropped: a body that bypassed the sanitiser (an update in the shell, an old revision
restored) cannot put markup or a script into what this module writes, and a second, looser
net (`_second_net`) keeps scripts, event handlers, styles and outside images out of the rest.
A photo or a gallery member that is not in `photos` (deleted, or never there) is left out
without a word, and so is a video that is not one the newsroom can show; `validate()` tells
the journalist instead.

Pure functions: the caller fetches the photos (`Photo.objects.in_bulk(photo_ids(html))`) and
keeps the result (see the `article_body` template tag and the feeds).
"""

import html as html_lib
import re
from dataclasses import dataclass
from functools import cached_property
from html.parser import HTMLParser
from urllib.parse import urljoin

import nh3
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from photos import specs

from . import embeds

#: What the browser should assume about a photo's displayed width. In the text: the article
#: column (photos.specs). Full width: the page's main column (site.css: .site-main, 72rem with
#: 1rem padding each side), less on narrower screens.
TEXT_SIZES = specs.RENDITION_SIZES
FULL_WIDTH_SIZES = "(min-width: 72rem) 70rem, calc(100vw - 2rem)"
#: A gallery's photos: the grid's cells (site.css: .gallery, at least 12rem wide), three to a
#: row in the article column, two or one on a phone.
GALLERY_SIZES = "(min-width: 44rem) 14rem, (min-width: 26rem) 50vw, 100vw"

_ID = re.compile(r"[0-9]{1,18}")


def _photo_id(value):
    """The photo id `value` names, or None when it names none."""
    value = (value or "").strip()
    return (int(value) or None) if _ID.fullmatch(value) else None


@dataclass
class Node:
    """One of the body's figures that this module replaces, with its attributes."""

    kind: str
    attributes: dict

    def get(self, name):
        return (self.attributes.get(name) or "").strip()

    @property
    def photo_ids(self):
        """The ids this photo or gallery names, in order, without repeats; a part that is not
        an id is left out (validate() reports it)."""
        if self.kind == "photo":
            parts = [self.attributes.get("data-photo")]
        elif self.kind == "gallery":
            parts = (self.attributes.get("data-gallery") or "").split(",")
        else:
            return []
        ids = []
        for part in parts:
            pk = _photo_id(part)
            if pk is not None and pk not in ids:
                ids.append(pk)
        return ids

    @cached_property
    def embed(self):
        """The video this node shows, or None when it is not one the newsroom can show."""
        try:
            return embeds.from_attributes(
                self.get("data-embed"), self.get("data-embed-id"), self.get("data-embed-host")
            )
        except embeds.NotAnEmbed:
            return None


# The attribute that makes a figure one of the nodes, first match wins.
_NODE_KINDS = (
    ("data-photo", "photo"),
    ("data-gallery", "gallery"),
    ("data-embed", "embed"),
    ("data-pullquote", "pullquote"),
)


class _Reader(HTMLParser):
    """The body as a list of events: ("start", tag, attributes, source), ("end", tag),
    ("text", source) and ("node", Node). Character references are kept as written, so text and
    tags pass through unchanged; a node's figure and everything inside it become one event."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.events = []
        self._inside_node = 0

    def _node_kind(self, tag, attributes):
        if tag != "figure":
            return None
        for name, kind in _NODE_KINDS:
            if name in attributes:
                return kind
        return None

    def handle_starttag(self, tag, attrs):
        attributes = {}
        for name, value in attrs:
            # As browsers do: the first of two attributes with the same name counts.
            attributes.setdefault(name, value if value is not None else "")
        if self._inside_node:
            # A node's figure is empty by contract: whatever was put inside it is dropped.
            if tag == "figure":
                self._inside_node += 1
            return
        kind = self._node_kind(tag, attributes)
        if kind is not None:
            self._inside_node = 1
            self.events.append(("node", Node(kind, attributes)))
            return
        self.events.append(("start", tag, attributes, self.get_starttag_text()))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self._inside_node and tag == "figure":
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self._inside_node:
            if tag == "figure":
                self._inside_node -= 1
            return
        self.events.append(("end", tag))

    def handle_data(self, data):
        if not self._inside_node:
            self.events.append(("text", data))

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")

    # Comments, declarations and processing instructions have no place in a body: dropped.


def _events(html):
    reader = _Reader()
    reader.feed(html or "")
    reader.close()
    return reader.events


def nodes(html):
    """The body's photos, galleries, videos and pull quotes, in order."""
    return [event[1] for event in _events(html) if event[0] == "node"]


def photo_ids(html):
    """The ids of the library photos the body shows (photos and galleries), in order of
    appearance, each once."""
    ids = []
    for node in nodes(html):
        ids.extend(pk for pk in node.photo_ids if pk not in ids)
    return ids


def embeds_in(html):
    """The videos the body shows, in order (those the newsroom cannot show left out)."""
    return [node.embed for node in nodes(html) if node.kind == "embed" and node.embed]


# --- Readers' HTML ---------------------------------------------------------------------------


# A second, looser net behind the sanitiser (articles.sanitize), for a body that reached the
# database some other way (an update in the shell, an old revision restored, an import): it
# still cannot bring readers a script, an event handler, a style or someone else's image.
# Looser, so that it never takes away what the editor may write: ammonia's defaults, the nodes'
# data attributes, and no images (the only ones readers get are the library's, written here).
_second_net = nh3.Cleaner(
    tags=nh3.ALLOWED_TAGS - {"img", "area", "map"},
    generic_attribute_prefixes={"data-"},
    link_rel="noopener",
)


def render(html, photos):
    """The body as readers get it on the article page; `photos` is {id: Photo} for
    photo_ids(html)."""
    return _Renderer(photos).render(_second_net.clean(html or ""))


def render_for_feed(html, photos, base_url):
    """The body as feeds carry it: every address absolute (`base_url` is the article's own
    absolute address; feed readers have no base), plain images, and each video as a link to
    its page, since feed readers run no script and show no frame."""
    return _Renderer(photos, base_url=base_url).render(_second_net.clean(html or ""))


def _attributes(attributes):
    """HTML attributes from {name: value}, every value escaped."""
    return format_html_join("", ' {}="{}"', attributes.items())


class _Renderer:
    def __init__(self, photos, base_url=None):
        self.photos = photos
        self.base_url = base_url
        # The rows seen so far in each table being written, innermost last.
        self.table_rows = []
        self.table_count = 0

    @property
    def for_feed(self):
        return self.base_url is not None

    def absolute(self, url):
        return urljoin(self.base_url, url) if self.for_feed else url

    def render(self, html):
        parts = []
        for event in _events(html):
            kind = event[0]
            if kind == "node":
                parts.append(getattr(self, f"_{event[1].kind}")(event[1]))
            elif kind == "start":
                parts.append(self._start(*event[1:]))
            elif kind == "end":
                parts.append(self._end(event[1]))
            else:
                # Text as the sanitiser wrote it, character references included.
                parts.append(event[1])
        # The sanitiser's HTML, and this module's own, built with format_html.
        return mark_safe("".join(parts))  # noqa: S308

    # --- The sanitiser's elements, tables aside, pass through as they are ---------------------

    def _start(self, tag, attributes, source):
        if tag == "table":
            return self._table_start(source)
        if self.table_rows and tag == "tr":
            self.table_rows[-1] += 1
        elif self.table_rows and tag == "th" and self.table_rows[-1] == 1:
            # The first row holds the columns' headers: say so, for screen readers.
            attributes = {name: value for name, value in attributes.items() if name != "scope"}
            return format_html("<th{}>", _attributes({**attributes, "scope": "col"}))
        if self.for_feed and tag == "a" and attributes.get("href"):
            return format_html(
                "<a{}>", _attributes({**attributes, "href": self.absolute(attributes["href"])})
            )
        return source

    def _end(self, tag):
        if tag == "table" and self.table_rows:
            self.table_rows.pop()
            return "</table>" if self.for_feed else "</table></div>"
        return f"</{tag}>"

    def _table_start(self, source):
        # Rows are always in a tbody (or a thead): the second net's parser puts them there.
        self.table_rows.append(0)
        if self.for_feed:
            return source
        self.table_count += 1
        # A wide table scrolls sideways within the column; keyboard users scroll it once it has
        # the focus, and its name says what they are in.
        return format_html(
            '<div class="table-scroll" role="region" tabindex="0" aria-label="{}">{}',
            _("Table %(number)s") % {"number": self.table_count},
            mark_safe(source),  # noqa: S308 - the sanitiser's tag, as it wrote it
        )

    # --- Photos and galleries --------------------------------------------------------------

    def _picture(self, photo, *, alt, sizes, widest=False):
        picture = photo.picture
        width, height = picture["width"], picture["height"]
        if widest:
            # The width attribute caps the displayed width (site.css: img max-width): a
            # full-width photo may grow to its widest rendition, never beyond.
            width, height = specs.rendition_size(
                photo.width, photo.height, max(photo.rendition_widths())
            )
        if self.for_feed:
            # Feed readers take a plain image at an absolute address.
            return format_html(
                '<img src="{}" width="{}" height="{}" alt="{}">',
                self.absolute(picture["src"]),
                picture["width"],
                picture["height"],
                alt,
            )
        return format_html(
            "<picture>"
            '<source type="image/webp" srcset="{}" sizes="{}">'
            '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"'
            ' loading="lazy" decoding="async">'
            "</picture>",
            picture["webp_srcset"],
            sizes,
            picture["src"],
            picture["jpeg_srcset"],
            sizes,
            width,
            height,
            alt,
        )

    def _figure(self, photo, *, css_class, sizes, alt="", caption="", credit="", widest=False):
        alt = alt or photo.alt_text
        caption = caption or photo.caption
        credit = credit or photo.credit
        figcaption = ""
        if caption or credit:
            figcaption = format_html(
                "<figcaption>{}{}</figcaption>",
                caption,
                format_html('{}<span class="credit">{}</span>', " " if caption else "", credit)
                if credit
                else "",
            )
        return format_html(
            '<figure class="{}">{}{}</figure>',
            css_class,
            self._picture(photo, alt=alt, sizes=sizes, widest=widest),
            figcaption,
        )

    def _photo(self, node):
        ids = node.photo_ids
        photo = self.photos.get(ids[0]) if ids else None
        if photo is None:
            return ""
        full = node.get("data-width") == "full"
        return self._figure(
            photo,
            css_class="body-photo body-photo--full" if full else "body-photo",
            sizes=FULL_WIDTH_SIZES if full else TEXT_SIZES,
            widest=full,
            alt=node.get("data-alt"),
            caption=node.get("data-caption"),
            credit=node.get("data-credit"),
        )

    def _gallery(self, node):
        members = [self.photos[pk] for pk in node.photo_ids if pk in self.photos]
        if not members:
            return ""
        # A list: screen readers say how many photos it holds, and it needs no script (a grid
        # in site.css). role="list" because Safari drops a list's role when it has no bullets.
        items = format_html_join(
            "",
            '<li class="gallery__item">{}</li>',
            (
                (self._figure(photo, css_class="gallery__photo", sizes=GALLERY_SIZES),)
                for photo in members
            ),
        )
        return format_html('<ul class="gallery" role="list">{}</ul>', items)

    # --- Videos ----------------------------------------------------------------------------

    def _embed(self, node):
        embed = node.embed
        if embed is None:
            return ""
        title = node.get("data-embed-title")
        if title:
            name = _("%(title)s (video on %(provider)s)") % {
                "title": title,
                "provider": embed.label,
            }
        else:
            name = _("A video on %(provider)s") % {"provider": embed.label}
        watch = _("Watch on %(provider)s") % {"provider": embed.source_name}
        if self.for_feed:
            return format_html(
                '<p><a href="{}">{}</a></p>', embed.watch_url, name if title else watch
            )
        # Nothing here is fetched from the provider: no frame, no thumbnail, no script of
        # theirs. The button, shown by static/js/embeds.js, puts the privacy-enhanced player in
        # the placeholder's place when the reader presses it; without JavaScript it stays
        # hidden and the link takes the reader to the video's page.
        return format_html(
            '<figure class="embed">'
            '<div class="embed__placeholder">'
            '<p class="embed__notice">{}</p>'
            '<button type="button" class="embed__play" data-embed-src="{}" data-embed-title="{}"'
            " hidden>{}</button>"
            '<p class="embed__link"><a href="{}" rel="noopener">{}</a></p>'
            "</div>"
            "<figcaption>{}</figcaption>"
            "</figure>",
            _(
                "Playing this video loads content from %(provider)s, which may set cookies "
                "and record your visit."
            )
            % {"provider": embed.source_name},
            embed.autoplay_url,
            name,
            format_html(
                '{}<span class="visually-hidden">: {}</span>',
                _("Play the video"),
                title or embed.source_name,
            ),
            embed.watch_url,
            watch,
            name,
        )

    # --- Pull quotes -----------------------------------------------------------------------

    def _pullquote(self, node):
        quote = node.get("data-quote")
        if not quote:
            return ""
        source = node.get("data-source")
        # A pull quote repeats, larger, words the article already holds: aria-hidden keeps
        # screen readers from reading them twice, which they would in a <blockquote> or an
        # <aside>. It holds nothing focusable, so no keyboard user lands in it unannounced.
        return format_html(
            '<figure class="pullquote" aria-hidden="true"><blockquote><p>{}</p></blockquote>'
            "{}</figure>",
            quote,
            format_html("<figcaption>{}</figcaption>", source) if source else "",
        )


# --- Search -----------------------------------------------------------------------------------


def search_text(html):
    """The body's words for search, without markup: its text, and what the body itself writes
    in its figures (pull quotes and their sources, the captions and credits this article gives
    its photos, its videos' titles). Each tag counts as a space, so "<p>eau</p><p>feu</p>" is
    two words; character references are decoded. The library's own captions are not here:
    they belong to the photo (Article.record_photo_uses)."""
    parts = []
    for event in _events(html):
        if event[0] == "text":
            parts.append(html_lib.unescape(event[1]))
        elif event[0] == "node":
            node = event[1]
            names = {
                "photo": ("data-caption", "data-credit"),
                "pullquote": ("data-quote", "data-source"),
                "embed": ("data-embed-title",),
            }.get(node.kind, ())
            parts.extend(f" {node.get(name)} " for name in names)
        else:
            parts.append(" ")
    return re.sub(r"\s+", " ", "".join(parts)).strip()


# --- The article form ---------------------------------------------------------------------


def validate(html, existing_photo_ids):
    """What stops the body from being published as written, as messages for the article form:
    videos the newsroom cannot show, and photos that are not in the library
    (`existing_photo_ids`, the ids among photo_ids(html) that exist). Empty when all is well."""
    existing = set(existing_photo_ids)
    messages = []
    for node in nodes(html):
        if node.kind == "photo":
            pk = _photo_id(node.attributes.get("data-photo"))
            if pk is None:
                messages.append(
                    _(
                        "A photo in the text has lost its link to the library: remove it and "
                        "insert it again."
                    )
                )
            elif pk not in existing:
                messages.append(
                    _(
                        "Photo no. %(id)s is no longer in the library: remove it from the text, "
                        "or choose another."
                    )
                    % {"id": pk}
                )
        elif node.kind == "gallery":
            ids = node.photo_ids
            parts = [part for part in node.get("data-gallery").split(",") if part.strip()]
            missing = [pk for pk in ids if pk not in existing]
            if not ids:
                messages.append(_("A gallery in the text holds no photo: remove it, or add some."))
            elif any(_photo_id(part) is None for part in parts):
                messages.append(
                    _(
                        "A gallery in the text has lost its link to some of its photos: remove "
                        "it and insert it again."
                    )
                )
            if ids and missing:
                messages.append(
                    ngettext(
                        "A gallery holds a photo that is no longer in the library (no. "
                        "%(ids)s): remove it from the gallery.",
                        "A gallery holds photos that are no longer in the library (nos. "
                        "%(ids)s): remove them from the gallery.",
                        len(missing),
                    )
                    % {"ids": ", ".join(map(str, missing))}
                )
        elif node.kind == "embed" and node.embed is None:
            messages.append(
                _(
                    "The video “%(title)s” cannot be shown: insert it again from its address "
                    "on %(providers)s."
                )
                % {
                    "title": node.get("data-embed-title") or node.get("data-embed-id"),
                    "providers": embeds.provider_names(),
                }
            )
    return list(dict.fromkeys(messages))
