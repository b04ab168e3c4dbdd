"""Reading a WordPress export (WXR 1.1 and 1.2), streamed, in constant memory.

The file is read twice. `scan()` reads it to the end first: a file that is not well-formed (cut
short, damaged) stops there with its line, before anything is imported, and a file declaring a
DTD (entity expansion, external entities: WordPress never writes one) is refused outright. The
same pass keeps the small tables the posts refer to, wherever the file puts them: the site's
address, authors, categories, tags and the attachments' descriptions. `items()` then reads the
posts one at a time. Each element is cleared once read, so memory stays flat whatever the size
of the file (the attachments' table grows by a few hundred bytes per image).

lxml parses with entities left unresolved, no network access and its default size limits
(`huge_tree=False`): what defusedxml adds to the standard library's parsers.
"""

import datetime
import html
import re
from dataclasses import dataclass, field

from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from lxml import etree


class ExportError(Exception):
    """The file cannot be imported; the message says why, and where."""


@dataclass
class Author:
    login: str
    wp_id: str = ""
    email: str = ""
    display_name: str = ""
    first_name: str = ""
    last_name: str = ""


@dataclass
class Term:
    """A category or a tag."""

    kind: str  # "category" or "tag"
    wp_id: str
    slug: str
    name: str
    parent: str = ""  # a category's parent, by slug
    description: str = ""


@dataclass
class Attachment:
    wp_id: str
    url: str
    title: str = ""
    alt: str = ""
    caption: str = ""
    credit: str = ""
    parent: str = ""
    link: str = ""


@dataclass
class Comment:
    wp_id: str
    author: str = ""
    email: str = ""
    url: str = ""
    ip: str = ""
    date_gmt: datetime.datetime | None = None
    content: str = ""
    approved: str = ""
    type: str = ""
    parent: str = "0"
    user_id: str = "0"
    agent: str = ""


@dataclass
class Item:
    """A post, page, attachment or any other WordPress post type, as the file says it."""

    wp_id: str
    post_type: str
    title: str = ""
    link: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    date_gmt: datetime.datetime | None = None
    slug: str = ""
    status: str = ""
    parent: str = "0"
    password: str = ""
    comment_status: str = ""
    menu_order: int = 0
    attachment_url: str = ""
    categories: list = field(default_factory=list)  # [(domain, slug, name)]
    meta: dict = field(default_factory=dict)  # key -> [values]
    comments: list = field(default_factory=list)
    line: int = 0

    def first_meta(self, key, default=""):
        values = self.meta.get(key)
        return values[0] if values else default


@dataclass
class Export:
    """What `scan()` found: the site, its small tables, and how many items of each type."""

    path: str
    site_url: str = ""
    #: The site's language, as Newsroom names languages ("fr" for "fr-FR").
    language: str = ""
    authors: dict = field(default_factory=dict)  # login -> Author
    categories: dict = field(default_factory=dict)  # slug -> Term
    tags: dict = field(default_factory=dict)  # slug -> Term
    attachments: dict = field(default_factory=dict)  # id -> Attachment
    counts: dict = field(default_factory=dict)  # post type -> count
    comment_count: int = 0

    @property
    def item_count(self):
        return sum(self.counts.values())


def _local(element):
    return etree.QName(element).localname


def _namespace(element):
    return etree.QName(element).namespace or ""


def _text(element):
    return (element.text or "").strip() if element is not None else ""


def _plain(element):
    """A title or a name: WordPress lets them hold markup and entities; here they are text."""
    return html.unescape(strip_tags(_text(element))).strip()


def _raw(element):
    return element.text or "" if element is not None else ""


def parse_gmt(value):
    """A WordPress GMT date ("2012-01-03 17:11:37"), aware; None for the zero date of drafts."""
    value = (value or "").strip()
    if not value or value.startswith("0000"):
        return None
    try:
        moment = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return moment.replace(tzinfo=datetime.UTC)


def _children(element):
    """{local name: child}, the first of each name; `encoded` is told apart by namespace."""
    found = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = _local(child)
        if name == "encoded":
            name = "excerpt" if "excerpt" in _namespace(child) else "content"
        found.setdefault(name, child)
    return found


def _author(element):
    children = _children(element)
    return Author(
        login=_text(children.get("author_login")),
        wp_id=_text(children.get("author_id")),
        email=_text(children.get("author_email")),
        display_name=_plain(children.get("author_display_name")),
        first_name=_text(children.get("author_first_name")),
        last_name=_text(children.get("author_last_name")),
    )


def _term(element, kind):
    children = _children(element)
    if kind == "category":
        return Term(
            kind="category",
            wp_id=_text(children.get("term_id")),
            slug=_text(children.get("category_nicename")),
            name=_plain(children.get("cat_name")),
            parent=_text(children.get("category_parent")),
            description=_text(children.get("category_description")),
        )
    return Term(
        kind="tag",
        wp_id=_text(children.get("term_id")),
        slug=_text(children.get("tag_slug")),
        name=_plain(children.get("tag_name")),
        description=_text(children.get("tag_description")),
    )


def _comment(element):
    children = _children(element)
    return Comment(
        wp_id=_text(children.get("comment_id")),
        author=_plain(children.get("comment_author")),
        email=_text(children.get("comment_author_email")),
        url=_text(children.get("comment_author_url")),
        ip=_text(children.get("comment_author_IP")),
        date_gmt=parse_gmt(_text(children.get("comment_date_gmt"))),
        content=_raw(children.get("comment_content")),
        approved=_text(children.get("comment_approved")),
        type=_text(children.get("comment_type")),
        parent=_text(children.get("comment_parent")) or "0",
        user_id=_text(children.get("comment_user_id")) or "0",
        agent=_text(children.get("comment_agent")),
    )


def _item(element):
    children = _children(element)
    item = Item(
        wp_id=_text(children.get("post_id")),
        post_type=_text(children.get("post_type")) or "post",
        title=_plain(children.get("title")),
        link=_text(children.get("link")),
        creator=_text(children.get("creator")),
        content=_raw(children.get("content")),
        excerpt=_raw(children.get("excerpt")).strip(),
        date_gmt=parse_gmt(_text(children.get("post_date_gmt"))),
        slug=_text(children.get("post_name")),
        status=_text(children.get("status")),
        parent=_text(children.get("post_parent")) or "0",
        password=_text(children.get("post_password")),
        comment_status=_text(children.get("comment_status")),
        menu_order=int(_text(children.get("menu_order")) or 0)
        if _text(children.get("menu_order")).isdigit()
        else 0,
        attachment_url=_text(children.get("attachment_url")),
        line=element.sourceline or 0,
    )
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = _local(child)
        if name == "category":
            item.categories.append(
                (child.get("domain", ""), child.get("nicename", ""), (child.text or "").strip())
            )
        elif name == "postmeta":
            meta = _children(child)
            key = _text(meta.get("meta_key"))
            item.meta.setdefault(key, []).append(_raw(meta.get("meta_value")))
        elif name == "comment":
            item.comments.append(_comment(child))
    return item


_CREDIT = re.compile(r's:6:"credit";s:\d+:"([^"]*)";')


def attachment_from(item):
    """The description of a photo the posts may use, from its attachment item."""
    credit = _CREDIT.search(item.first_meta("_wp_attachment_metadata"))
    return Attachment(
        wp_id=item.wp_id,
        url=item.attachment_url or item.link,
        title=item.title,
        alt=item.first_meta("_wp_attachment_image_alt").strip(),
        caption=item.excerpt,
        credit=credit.group(1).strip() if credit else "",
        parent=item.parent,
        link=item.link,
    )


# The elements read as a whole, then cleared: everything else is a container or channel data.
_RECORDS = {"author", "category", "tag", "item"}


def _records(path, channel=None):
    """(kind, element) for each record of the file, each element cleared once the caller is
    done with it; the channel's facts (its address, language) go into `channel`. Raises
    ExportError for a malformed, hostile or foreign file."""
    try:
        events = etree.iterparse(
            path,
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
            load_dtd=False,
        )
        depth = 0
        channel = {} if channel is None else channel
        checked = False
        for event, element in events:
            if not checked:
                checked = True
                docinfo = element.getroottree().docinfo
                if docinfo.internalDTD is not None or docinfo.doctype:
                    raise ExportError(
                        _(
                            "%(file)s declares a DTD (line %(line)s): WordPress never writes "
                            "one, and its entities could expand without end or read other "
                            "files. The file is refused."
                        )
                        % {"file": path, "line": element.sourceline or 1}
                    )
                if _local(element) != "rss":
                    raise ExportError(
                        _("%(file)s is not a WordPress export (no <rss> at line %(line)s).")
                        % {"file": path, "line": element.sourceline or 1}
                    )
            if event == "start":
                depth += 1
                continue
            depth -= 1
            name = _local(element) if isinstance(element.tag, str) else ""
            # Records are children of <channel> (depth 2 once closed).
            if depth == 2 and name in _RECORDS:
                yield name, element
                element.clear()
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]
            elif depth == 2 and name in {"link", "base_blog_url", "base_site_url", "language"}:
                channel[name] = _text(element)
    except etree.XMLSyntaxError as error:
        raise ExportError(
            _(
                "%(file)s is damaged or cut short at line %(line)s (%(error)s): nothing was "
                "imported. Export it again from WordPress."
            )
            % {"file": path, "line": error.lineno, "error": error.msg}
        ) from error
    except OSError as error:
        raise ExportError(
            _("%(file)s cannot be read: %(error)s") % {"file": path, "error": error}
        ) from error


def scan(path):
    """Read the whole file once: check it, and keep what posts refer to (see the module)."""
    export = Export(path=str(path))
    channel = {}
    for kind, element in _records(str(path), channel):
        if kind == "author":
            author = _author(element)
            if author.login:
                export.authors[author.login] = author
        elif kind in {"category", "tag"}:
            term = _term(element, kind)
            if term.slug:
                table = export.categories if kind == "category" else export.tags
                table[term.slug] = term
        else:
            item = _item(element)
            export.counts[item.post_type] = export.counts.get(item.post_type, 0) + 1
            export.comment_count += len(item.comments)
            if item.post_type == "attachment":
                export.attachments[item.wp_id] = attachment_from(item)
            # Categories and tags a post names but the file's tables lack.
            for domain, slug, name in item.categories:
                if domain == "category" and slug and slug not in export.categories:
                    export.categories[slug] = Term("category", "", slug, name or slug)
                elif domain == "post_tag" and slug and slug not in export.tags:
                    export.tags[slug] = Term("tag", "", slug, name or slug)
    if "link" not in channel and "base_blog_url" not in channel:
        raise ExportError(
            _("%(file)s is not a WordPress export: it names no site.") % {"file": path}
        )
    export.site_url = (channel.get("base_blog_url") or channel.get("link")).rstrip("/")
    export.language = channel.get("language", "").split("-")[0].lower()
    return export


def items(path):
    """The file's items (posts, pages, attachments…), one at a time, in the file's order."""
    for kind, element in _records(str(path)):
        if kind == "item":
            yield _item(element)
