"""A WordPress post's content as an article body (articles.body's contract).

In order: Gutenberg galleries, covers, media-and-text blocks and embeds are read from their
blocks (a cover's or a media-and-text block's photo comes first, then its text), then every
block comment goes; `[caption]`, `[gallery]` and `[embed]` shortcodes become the body's figures
and every other shortcode goes, named in the report; classic-editor text gets its paragraphs
back (what WordPress's `wpautop` does when it shows a post); images become library photos, and
addresses of YouTube, Vimeo and Dailymotion videos become videos. `Article.save()` then passes
the result through the body's allow-list (articles.sanitize), like anything a journalist writes.

Photos are found through `photo_for(url, attachment_id, alt, caption)`, given by the importer:
it returns a library photo's id, or None when the file could not be had (the image is left out
and the importer lists it).
"""

import html
import json
import re
from dataclasses import dataclass, field

from django.utils.html import strip_tags

from articles import embeds
from articles.sanitize import GALLERY_SIZE

#: Shortcodes that become figures; any other `[name …]` WordPress or a plugin registered goes.
FIGURE_SHORTCODES = {"caption", "wp_caption", "gallery", "embed"}
#: Shortcodes known to carry nothing a reader can use outside WordPress: removed with their
#: content.
DROPPED_WITH_CONTENT = {"audio", "video", "playlist", "code", "sourcecode"}

_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[\s\S]*?-->")
_BLOCK = re.compile(
    r"<!--\s*wp:(?P<name>[a-z0-9/-]+)(?P<attrs>\s+\{[\s\S]*?\})?\s*(?P<selfclosing>/)?-->"
)
_GALLERY_BLOCK = re.compile(r"<!--\s*wp:gallery\b[\s\S]*?<!--\s*/wp:gallery\s*-->")
_EMBED_BLOCK = re.compile(
    r"<!--\s*wp:(?:core-)?embed(?:/[a-z0-9-]+)?(?P<attrs>\s+\{[\s\S]*?\})?\s*-->"
    r"[\s\S]*?<!--\s*/wp:(?:core-)?embed(?:/[a-z0-9-]+)?\s*-->"
)
_COVER_BLOCK = re.compile(
    r"<!--\s*wp:cover(?P<attrs>\s+\{[\s\S]*?\})?\s*-->(?P<inner>[\s\S]*?)<!--\s*/wp:cover\s*-->"
)
_MEDIA_TEXT_BLOCK = re.compile(
    r"<!--\s*wp:media-text(?P<attrs>\s+\{[\s\S]*?\})?\s*-->(?P<inner>[\s\S]*?)"
    r"<!--\s*/wp:media-text\s*-->"
)
#: What a cover puts behind its text: its background image or video, its dimming layer.
_COVER_BACKGROUND = re.compile(
    r"<(?:img|video)\b[^>]*wp-block-cover__(?:image|video)-background[^>]*>(?:\s*</video>)?"
    r"|<span\b[^>]*wp-block-cover__(?:gradient-)?background[^>]*>\s*</span>",
    re.IGNORECASE,
)
_MEDIA_TEXT_MEDIA = re.compile(
    r"<figure\b[^>]*wp-block-media-text__media[^>]*>([\s\S]*?)</figure>", re.IGNORECASE
)
_DIV = re.compile(r"</?div\b[^>]*>", re.IGNORECASE)
_SHORTCODE = re.compile(r"\[(?P<close>/)?(?P<name>[A-Za-z_][\w-]*)(?P<attrs>[^\]]*)\]")
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_BLOCK_TAGS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|"
    "area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|"
    "hgroup|header|footer|nav|figure|figcaption|details|menu|summary"
)
_STARTS_BLOCK = re.compile(rf"^\s*</?(?:{_BLOCK_TAGS})\b", re.IGNORECASE)
_URL_LINE = re.compile(r"^\s*(?:<p>\s*)?(https?://[^\s<>\"]+)\s*(?:</p>)?\s*$", re.MULTILINE)


@dataclass
class Conversion:
    body: str
    #: Shortcode and block names removed, each once, in order.
    removed: list = field(default_factory=list)
    #: Image addresses that could not be had.
    missing: list = field(default_factory=list)


def attributes(tag):
    """{name: value} of an HTML tag or a shortcode's attributes, entities decoded."""
    return {
        match[1].lower(): html.unescape(match[2] or match[3] or match[4] or "")
        for match in _ATTR.finditer(tag)
    }


def _attachment_id(img_attributes):
    """The attachment an `<img>` names with WordPress's `wp-image-N` class, or ''."""
    found = re.search(r"wp-image-(\d+)", img_attributes.get("class", ""))
    return found.group(1) if found else ""


def _figure(photo_id, caption="", alt=""):
    attrs = f' data-photo="{photo_id}" data-width="text"'
    if alt:
        attrs += f' data-alt="{html.escape(alt)}"'
    if caption:
        attrs += f' data-caption="{html.escape(caption)}"'
    return f"<figure{attrs}></figure>"


def _gallery(photo_ids):
    """Figures for a list of photos: galleries of at most GALLERY_SIZE[1], a lone photo as a
    photo."""
    low, high = GALLERY_SIZE
    parts = []
    for start in range(0, len(photo_ids), high):
        chunk = photo_ids[start : start + high]
        if len(chunk) >= low:
            parts.append(f'<figure data-gallery="{",".join(map(str, chunk))}"></figure>')
        else:
            parts.extend(_figure(pk) for pk in chunk)
    return "\n".join(parts)


def _embed(url):
    """The video figure for `url`, or None when it is not a video the newsroom shows."""
    url = html.unescape(url.strip())
    if url.startswith("http://"):
        url = "https://" + url[len("http://") :]
    try:
        video = embeds.parse(url)
    except embeds.NotAnEmbed:
        return None
    host = f' data-embed-host="{video.host}"' if video.host else ""
    return f'<figure data-embed="{video.provider}" data-embed-id="{video.video_id}"{host}></figure>'


def _block_attributes(match):
    try:
        attrs = json.loads((match.group("attrs") or "{}").strip())
    except ValueError:
        return {}
    return attrs if isinstance(attrs, dict) else {}


def _link(url):
    url = html.escape(html.unescape(url.strip()))
    return f'<p><a href="{url}">{url}</a></p>'


def wpautop(text):
    """Paragraphs from blank lines and line breaks from single ones, as WordPress shows a
    classic-editor post (a simpler `wpautop`: block elements are left as they are)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Block tags on lines of their own, so that blank lines separate them from the text.
    text = re.sub(rf"(<(?:{_BLOCK_TAGS})\b[^>]*>)", r"\n\1", text, flags=re.IGNORECASE)
    text = re.sub(rf"(</(?:{_BLOCK_TAGS})>)", r"\1\n\n", text, flags=re.IGNORECASE)
    parts = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if _STARTS_BLOCK.match(chunk):
            parts.append(chunk)
        else:
            parts.append("<p>" + chunk.replace("\n", "<br>\n") + "</p>")
    return "\n".join(parts)


class Converter:
    def __init__(self, photo_for, attachments_of_post=()):
        self.photo_for = photo_for
        self.attachments_of_post = list(attachments_of_post)
        self.result = Conversion(body="")

    def _removed(self, name):
        if name not in self.result.removed:
            self.result.removed.append(name)

    def _photo(self, url="", attachment_id="", alt="", caption=""):
        photo_id = self.photo_for(url, attachment_id, alt, caption)
        if photo_id is None:
            missing = url or f"#{attachment_id}"
            if missing not in self.result.missing:
                self.result.missing.append(missing)
        return photo_id

    def _image(self, tag, caption=""):
        """The figure for an `<img>` tag, or '' when its file could not be had."""
        img = attributes(tag)
        photo_id = self._photo(img.get("src", ""), _attachment_id(img), img.get("alt", ""), caption)
        return _figure(photo_id, caption=caption) if photo_id else ""

    # --- Gutenberg --------------------------------------------------------------------------

    def _gallery_block(self, match):
        ids = []
        for tag in _IMG.findall(match.group(0)):
            img = attributes(tag)
            photo_id = self._photo(
                img.get("src", ""),
                _attachment_id(img) or img.get("data-id", ""),
                img.get("alt", ""),
            )
            if photo_id and photo_id not in ids:
                ids.append(photo_id)
        return _gallery(ids)

    def _embed_block(self, match):
        try:
            url = json.loads((match.group("attrs") or "{}").strip()).get("url", "")
        except ValueError:
            url = ""
        if not url:
            found = re.search(r"https?://[^\s<>\"]+", strip_tags(match.group(0)))
            url = found.group(0) if found else ""
        if not url:
            self._removed("wp:embed")
            return ""
        return _embed(url) or _link(url)

    def _cover_block(self, match):
        """A cover (a text over an image): the image as a photo, then the text, without the
        layers and wrappers that put one over the other."""
        attrs = _block_attributes(match)
        inner = match.group("inner")
        figure = ""
        if attrs.get("backgroundType") == "video":
            self._removed("video")
        elif attrs.get("url") or attrs.get("id"):
            photo_id = self._photo(
                attrs.get("url", ""), str(attrs.get("id", "")), attrs.get("alt", "")
            )
            figure = _figure(photo_id, alt=attrs.get("alt", "")) if photo_id else ""
        text = _DIV.sub("", _COVER_BACKGROUND.sub("", inner)).strip()
        return "\n".join(part for part in (figure, text) if part)

    def _media_text_block(self, match):
        """A media and text side by side: the photo first, then the text, whichever side
        WordPress showed the media on."""
        attrs = _block_attributes(match)
        inner = match.group("inner")
        media = _MEDIA_TEXT_MEDIA.search(inner)
        figure = ""
        if media is not None:
            inner = inner[: media.start()] + inner[media.end() :]
            tags = _IMG.findall(media.group(1))
            if tags:
                img = attributes(tags[0])
                attachment_id = _attachment_id(img) or str(attrs.get("mediaId", ""))
                photo_id = self._photo(img.get("src", ""), attachment_id, img.get("alt", ""))
                figure = _figure(photo_id, alt=img.get("alt", "")) if photo_id else ""
            elif "<video" in media.group(1).lower() or attrs.get("mediaType") == "video":
                self._removed("video")
        text = _DIV.sub("", inner).strip()
        return "\n".join(part for part in (figure, text) if part)

    def _note_blocks(self, text):
        """Blocks with no meaning outside a WordPress theme are named in the report."""
        for match in _BLOCK.finditer(text):
            name = match.group("name")
            if match.group("selfclosing") and name not in {"image", "spacer", "separator"}:
                self._removed(f"wp:{name}")

    # --- Shortcodes -------------------------------------------------------------------------

    def _caption(self, attrs, inner):
        tags = _IMG.findall(inner)
        caption = html.unescape(strip_tags(_IMG.sub("", inner))).strip()
        caption = caption or attributes(attrs).get("caption", "")
        return "".join(self._image(tag, caption) for tag in tags[:1])

    def _gallery_shortcode(self, attrs):
        ids = [part.strip() for part in attributes(attrs).get("ids", "").split(",") if part.strip()]
        if not ids:
            # A gallery without ids shows the images attached to the post.
            ids = self.attachments_of_post
        photos = []
        for attachment_id in ids:
            photo_id = self._photo(attachment_id=attachment_id)
            if photo_id and photo_id not in photos:
                photos.append(photo_id)
        return _gallery(photos)

    def _shortcodes(self, text):
        """Figures for the shortcodes that have a meaning here; the others removed."""
        out, position = [], 0
        while True:
            match = _SHORTCODE.search(text, position)
            if match is None:
                out.append(text[position:])
                break
            name = match.group("name").lower()
            attrs = match.group("attrs")
            closing = re.compile(rf"\[/{re.escape(match.group('name'))}\]", re.IGNORECASE)
            end = closing.search(text, match.end())
            known = (
                name in FIGURE_SHORTCODES
                or name in DROPPED_WITH_CONTENT
                or "=" in attrs
                or end is not None
                or match.group("close")
            )
            if not known:
                # "[1]", "[sic]": brackets in the text, not a shortcode.
                out.append(text[position : match.end()])
                position = match.end()
                continue
            out.append(text[position : match.start()])
            inner = text[match.end() : end.start()] if end is not None else ""
            after = end.end() if end is not None else match.end()
            if match.group("close"):
                self._removed(name)
                after = match.end()
            elif name in {"caption", "wp_caption"}:
                out.append(self._caption(attrs, inner))
            elif name == "gallery":
                out.append(self._gallery_shortcode(attrs))
            elif name == "embed":
                url = strip_tags(inner).strip() or attributes(attrs).get("src", "")
                out.append((_embed(url) or _link(url)) if url else "")
            elif name in DROPPED_WITH_CONTENT:
                self._removed(name)
            else:
                # Its content stays, without the shortcode around it.
                self._removed(name)
                out.append(self._shortcodes(inner))
            position = after
        return "".join(out)

    # --- Images, videos and headings ---------------------------------------------------------

    def _figures_and_images(self, text):
        def figure(match):
            inner = match.group(1)
            tags = _IMG.findall(inner)
            if not tags:
                return match.group(0)
            caption = re.search(r"<figcaption[^>]*>([\s\S]*?)</figcaption>", inner)
            caption = html.unescape(strip_tags(caption.group(1))).strip() if caption else ""
            if len(tags) > 1:
                ids = []
                for tag in tags:
                    img = attributes(tag)
                    pk = self._photo(img.get("src", ""), _attachment_id(img), img.get("alt", ""))
                    if pk and pk not in ids:
                        ids.append(pk)
                return _gallery(ids)
            return self._image(tags[0], caption)

        text = re.sub(r"<figure\b[^>]*>([\s\S]*?)</figure>", figure, text, flags=re.IGNORECASE)
        # An image, with the link around it to its file or attachment page.
        text = re.sub(
            r"(?:<a\b[^>]*>\s*)?(<img\b[^>]*>)(?:\s*</a>)?",
            lambda match: self._image(match.group(1)),
            text,
            flags=re.IGNORECASE,
        )
        return text

    def _videos(self, text):
        """An address alone on its line is an embed in WordPress: a video, or a link."""

        def line(match):
            return _embed(match.group(1)) or _link(match.group(1))

        return _URL_LINE.sub(line, text)

    def convert(self, content):
        text = content or ""
        gutenberg = "<!-- wp:" in text
        if gutenberg:
            self._note_blocks(text)
            text = _GALLERY_BLOCK.sub(self._gallery_block, text)
            text = _COVER_BLOCK.sub(self._cover_block, text)
            text = _MEDIA_TEXT_BLOCK.sub(self._media_text_block, text)
            text = _EMBED_BLOCK.sub(self._embed_block, text)
            text = _BLOCK_COMMENT.sub("", text)
        text = self._shortcodes(text)
        if not gutenberg:
            text = self._videos(text)
            text = wpautop(text)
        text = self._figures_and_images(text)
        # The headline is the page's only h1; the body has h2 and h3.
        text = re.sub(r"<(/?)h1\b[^>]*>", r"<\1h2>", text, flags=re.IGNORECASE)
        text = re.sub(r"<(/?)h[4-6]\b[^>]*>", r"<\1h3>", text, flags=re.IGNORECASE)
        self.result.body = text.strip()
        return self.result


def convert(content, photo_for, attachments_of_post=()):
    return Converter(photo_for, attachments_of_post).convert(content)


def plain_text(content):
    """A comment's HTML as the plain text readers' comments are: paragraphs and line breaks
    kept, tags gone, entities decoded."""
    text = re.sub(r"<br\s*/?>", "\n", content or "", flags=re.IGNORECASE)
    text = re.sub(r"</p>\s*", "\n\n", text, flags=re.IGNORECASE)
    return html.unescape(strip_tags(text)).strip()
