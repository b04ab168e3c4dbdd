"""Bringing a WordPress export into the newsroom, through the models' own methods.

Authors become staff accounts, categories sections, tags tags, posts articles taken through the
editorial workflow (`Article.take_step`, recorded as the importing user's events), their images
library photos (through the library's upload form), their comments comments (moderated through
`Comment.moderate`), and their old addresses redirects. Each post, with its comments and
redirects, is one transaction. Each item's WordPress identity is recorded (`ImportedItem`): a
second run adds what is new, updates what changed in WordPress, and leaves alone what did not,
or what an editor changed here since (unless `overwrite`).
"""

import hashlib
import ipaddress
import json
import re
from urllib.parse import unquote, urlsplit

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from taggit.models import Tag

from articles import caching
from articles.models import Article, AuthorProfile, Section
from comments.models import Comment
from pages.models import Page
from photos.forms import PhotoForm
from staff.roles import JOURNALIST

from . import content, wxr
from .media import MissingFile, upload_path
from .models import ImportedItem, Redirect
from .report import Report

Kind = ImportedItem.Kind

# What became of an item (the report's "outcome").
IMPORTED, UPDATED, UNCHANGED, KEPT, SKIPPED, FAILED = (
    "imported",
    "updated",
    "unchanged",
    "kept",
    "skipped",
    "failed",
)

#: WordPress's comment_approved -> the comment's status here.
COMMENT_STATUSES = {
    "1": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REJECTED,
    "post-trashed": Comment.Status.REJECTED,
}
_SIZED = re.compile(r"-\d+x\d+(?=\.[A-Za-z0-9]+$)")


def _digest(*parts):
    return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()


def _path(url):
    # A theme's links may double a slash ("//greek/page/"): WordPress answers both spellings,
    # and so does the middleware, which looks the path up with its slashes single.
    return re.sub(r"/{2,}", "/", unquote(urlsplit(url).path)) or "/"


class Importer:
    def __init__(
        self,
        export,
        *,
        user,
        fetcher,
        record=None,
        overwrite=False,
        retry_media=False,
        dry_run=False,
        views_meta="post_views_count",
        section_map=None,
        progress=None,
        report=None,
    ):
        self.export = export
        self.site = export.site_url
        self.site_path = urlsplit(export.site_url).path.rstrip("/")
        self.user = user
        self.fetcher = fetcher
        self.record = record
        self.overwrite = overwrite
        self.retry_media = retry_media
        self.dry_run = dry_run
        self.views_meta = views_meta
        self.section_map = section_map or {}
        self.progress = progress or (lambda: None)
        self.report = report if report is not None else Report()
        self.authors = {}  # login -> user
        self.author_ids = {}  # WordPress user id -> login
        self.sections = {}  # category slug -> Section
        self.tags = {}  # tag slug -> Tag
        self.photos = {}  # identity key -> photo id or None
        self.attachments_by_path = {}
        self.attachments_by_parent = {}
        for attachment in export.attachments.values():
            key = self._path_key(attachment.url)
            if key:
                self.attachments_by_path.setdefault(key, attachment.wp_id)
            self.attachments_by_parent.setdefault(attachment.parent, []).append(attachment.wp_id)

    # --- The report -------------------------------------------------------------------------

    def note(self, kind, wp_id, title, outcome, reason="", url=""):
        self.report.add(
            {
                "kind": kind,
                "id": wp_id,
                "title": title,
                "outcome": outcome,
                "reason": reason,
                "url": url,
            }
        )

    def counts(self):
        return self.report.counts

    # --- Identities -------------------------------------------------------------------------

    def identity(self, kind, wp_id):
        return (
            ImportedItem.objects.filter(site_url=self.site, kind=kind, wp_id=wp_id)
            .select_related("content_type")
            .first()
        )

    def remember(self, item, kind, wp_id, obj=None, **fields):
        item = item or ImportedItem(site_url=self.site, kind=kind, wp_id=wp_id)
        if obj is not None:
            item.point_at(obj)
            item.synced_at = getattr(obj, "updated_at", None)
        for name, value in fields.items():
            setattr(item, name, value)
        if self.record is not None and self.record.pk:
            item.last_import = self.record
        item.save()
        return item

    # --- The run ----------------------------------------------------------------------------

    def run(self):
        with transaction.atomic():
            for author in self.export.authors.values():
                self.import_author(author)
            for term in self.export.categories.values():
                self.import_category(term)
            for term in self.export.tags.values():
                self.import_tag(term)
        for item in wxr.items(self.export.path):
            try:
                # The caches a post's saves make stale (its comment listing, the lists, the
                # shared pages) are told once per post, not once per save.
                with caching.replacing_versions_once():
                    self.import_item(item)
            except wxr.ExportError:
                raise
            except Exception as error:  # One post's failure stops that post only.
                self.note(
                    item.post_type,
                    item.wp_id,
                    item.title,
                    FAILED,
                    _("%(error)s (line %(line)s): nothing of it was imported")
                    % {"error": error, "line": item.line},
                )
            self.progress()
        with transaction.atomic():
            self.archive_redirects()
        return self.report

    # --- Authors, sections, tags ------------------------------------------------------------

    def import_author(self, author):
        if author.wp_id:
            self.author_ids[author.wp_id] = author.login
        self.author_for(author.login, author)

    def author_for(self, login, author=None):
        """The account of the WordPress author `login`, made on first sight."""
        if login in self.authors:
            return self.authors[login]
        author = author or wxr.Author(login=login)
        known = self.identity(Kind.AUTHOR, login)
        if known is not None and known.target is not None:
            self.authors[login] = known.target
            self.note("author", login, author.display_name, UNCHANGED)
            return known.target
        User = get_user_model()
        username = login[:150]
        user = User.objects.filter(username=username).first()
        if user is not None:
            self.note(
                "author",
                login,
                author.display_name,
                IMPORTED,
                _("the account “%(username)s” already existed: it signs the posts")
                % {"username": username},
            )
        else:
            try:
                validate_email(author.email)
                email = author.email
            except ValidationError:
                email = ""
            user = User(
                username=username,
                first_name=author.first_name[:150],
                last_name=author.last_name[:150],
                email=email,
                is_staff=True,
            )
            # Nobody logs in with it until an admin sets a password; no email is sent.
            user.set_unusable_password()
            user.save()
            group, _created = Group.objects.get_or_create(name=JOURNALIST)
            user.groups.add(group)
            self.note(
                "author",
                login,
                author.display_name,
                IMPORTED,
                _("a journalist's account without a password: an admin sets one to let them in"),
            )
        if author.display_name:
            AuthorProfile.objects.get_or_create(
                user=user, defaults={"byline": author.display_name[:120]}
            )
        self.remember(known, Kind.AUTHOR, login, user)
        self.authors[login] = user
        return user

    def _section_name(self, term):
        name = (term.name or unquote(term.slug))[:80]
        if not Section.objects.filter(name=name).exists():
            return name
        parent = self.export.categories.get(term.parent)
        if parent is not None:
            name = f"{parent.name} › {term.name}"[:80]
        if Section.objects.filter(name=name).exists():
            name = f"{term.name[:60]} ({term.slug[:16]})"
        return name

    def import_category(self, term):
        known = self.identity(Kind.CATEGORY, term.slug)
        if term.slug in self.section_map:
            target = self.section_map[term.slug]
            section = Section.objects.filter(slug=target).first()
            if section is None and target in self.export.categories:
                section = self.import_category(self.export.categories[target])
            if section is not None:
                self.sections[term.slug] = section
                self.note(
                    "category",
                    term.slug,
                    term.name,
                    IMPORTED,
                    _("mapped to the section “%(section)s”") % {"section": section},
                    section.get_absolute_url(),
                )
                return section
        if term.slug in self.sections:
            return self.sections[term.slug]
        if known is not None and known.target is not None:
            section = known.target
            self.note("category", term.slug, term.name, UNCHANGED, url=section.get_absolute_url())
        else:
            slug = (
                slugify(unquote(term.slug))[:80]
                or slugify(term.name)[:80]
                or f"section-{term.wp_id}"
            )
            section = Section.objects.filter(slug=slug).first()
            if section is not None:
                reason = _("the section “%(section)s” already existed") % {"section": section}
            else:
                section = Section.objects.create(
                    name=self._section_name(term), slug=slug, description=term.description
                )
                parent = self.export.categories.get(term.parent)
                reason = (
                    _("a section of its own (in WordPress, under “%(parent)s”)")
                    % {"parent": parent.name}
                    if parent
                    else ""
                )
            self.remember(known, Kind.CATEGORY, term.slug, section)
            self.note(
                "category", term.slug, term.name, IMPORTED, reason, section.get_absolute_url()
            )
        self.sections[term.slug] = section
        return section

    def import_tag(self, term):
        known = self.identity(Kind.TAG, term.slug)
        if known is not None and known.target is not None:
            tag = known.target
            self.note("tag", term.slug, term.name, UNCHANGED)
        else:
            name = term.name or unquote(term.slug)
            max_length = Tag._meta.get_field("name").max_length
            tag = Tag.objects.filter(name=name[:max_length]).first()
            if tag is None:
                tag = Tag.objects.create(name=name[:max_length])
            reason = (
                _("its name is cut to %(count)d characters") % {"count": max_length}
                if len(name) > max_length
                else ""
            )
            self.remember(known, Kind.TAG, term.slug, tag)
            self.note("tag", term.slug, term.name, IMPORTED, reason)
        self.tags[term.slug] = tag
        return tag

    # --- Photos -----------------------------------------------------------------------------

    @staticmethod
    def _path_key(url):
        path = upload_path(url) if url else None
        return _SIZED.sub("", str(path)) if path else ""

    def photo_for(self, url="", attachment_id="", alt="", caption=""):
        """The library photo for an image of the file (an attachment by id, else by address),
        brought in on first use; None when its file could not be had."""
        attachment_id = attachment_id or self.attachments_by_path.get(self._path_key(url), "")
        attachment = self.export.attachments.get(attachment_id)
        if attachment is not None:
            kind, wp_id, url = Kind.ATTACHMENT, attachment.wp_id, attachment.url
        elif url:
            kind, wp_id = Kind.IMAGE, url[:500]
        else:
            return None
        if (kind, wp_id) in self.photos:
            return self.photos[(kind, wp_id)]
        known = self.identity(kind, wp_id)
        photo_id = None
        if known is not None and known.object_id:
            photo_id = int(known.object_id)
        elif known is not None and known.missing and not self.retry_media:
            photo_id = None
        elif not self.dry_run:
            photo_id = self._bring_photo(known, kind, wp_id, url, attachment, alt, caption)
        self.photos[(kind, wp_id)] = photo_id
        return photo_id

    def _bring_photo(self, known, kind, wp_id, url, attachment, alt, caption):
        try:
            name, data = self.fetcher.fetch(url)
        except MissingFile as error:
            self.remember(known, kind, wp_id, missing=str(error)[:200])
            return None
        description = attachment or wxr.Attachment(wp_id="", url=url)
        form = PhotoForm(
            data={
                "alt_text": (description.alt or alt or description.title or name)[:250],
                "caption": (description.caption or caption)[:300],
                "credit": description.credit[:150],
                "source": url[:200],
            },
            files={"image": SimpleUploadedFile(name, data)},
        )
        if not form.is_valid():
            errors = " ".join(
                str(message) for messages in form.errors.values() for message in messages
            )
            self.remember(known, kind, wp_id, missing=errors[:200])
            return None
        photo = form.save(commit=False)
        photo.uploaded_by = self.user
        photo.save()
        self.remember(known, kind, wp_id, photo, missing="")
        return photo.pk

    # --- Items ------------------------------------------------------------------------------

    def import_item(self, item):
        if item.post_type == "post":
            self.import_post(item)
        elif item.post_type == "page":
            self.import_page(item)
        elif item.post_type == "attachment":
            self.import_attachment(item)
        else:
            reasons = {
                "nav_menu_item": _("a menu entry: menus belong to the WordPress theme"),
                "wp_navigation": _("a navigation menu: menus belong to the WordPress theme"),
            }
            reason = reasons.get(
                item.post_type,
                _("WordPress content of type “%(type)s” has no counterpart in Newsroom")
                % {"type": item.post_type},
            )
            self.note(item.post_type, item.wp_id, item.title, SKIPPED, reason)
            for comment in item.comments:
                self.note(
                    "comment",
                    comment.wp_id,
                    comment.author,
                    SKIPPED,
                    _("its %(type)s is not imported") % {"type": item.post_type},
                )

    def import_attachment(self, item):
        photo_id = self.photo_for(attachment_id=item.wp_id)
        if photo_id:
            url = reverse("admin:photos_photo_change", args=[photo_id])
            self.note("attachment", item.wp_id, item.title, IMPORTED, url=url)
        elif self.dry_run:
            self.note("attachment", item.wp_id, item.title, SKIPPED, _("dry run: not fetched"))
        else:
            known = self.identity(Kind.ATTACHMENT, item.wp_id)
            reason = known.missing if known is not None else ""
            self.note(
                "attachment",
                item.wp_id,
                item.title,
                FAILED,
                _("file missing (%(url)s): %(reason)s; --retry-media tries again")
                % {"url": item.attachment_url, "reason": reason},
            )

    def post_status(self, item):
        """(the workflow step after creation or None, a note for the report)."""
        if item.password:
            return None, _("password-protected in WordPress: imported as a draft")
        return {
            "publish": ("publish", ""),
            "future": ("schedule", ""),
            "pending": ("submit_for_review", ""),
            "draft": (None, ""),
            "private": (None, _("private in WordPress: imported as a draft")),
        }.get(
            item.status,
            (None, _("status “%(status)s”: imported as a draft") % {"status": item.status}),
        )

    def section_for(self, item):
        slugs = [slug for domain, slug, _name in item.categories if domain == "category"]
        preferred = [slug for slug in slugs if slug != "uncategorized"] or slugs
        if preferred:
            return self.sections[preferred[0]], preferred[1:]
        fallback = wxr.Term("category", "", "uncategorized", _("Uncategorized"))
        return self.import_category(fallback), []

    @staticmethod
    def unique_slug(item, obj):
        """WordPress's slug for `obj` (an article or a page), numbered if another has it."""
        base = (
            slugify(unquote(item.slug))[:190]
            or slugify(item.title)[:190]
            or f"{item.post_type}-{item.wp_id}"
        )
        slug, number = base, 1
        others = type(obj).objects.all()
        if not obj._state.adding:
            others = others.exclude(pk=obj.pk)
        while others.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        return slug

    def views(self, item):
        value = item.first_meta(self.views_meta).strip()
        return int(value) if value.isdigit() else None

    def outcome(self, known, target, digest, notes):
        """What a post or page becomes on this run: IMPORTED (nothing here yet), UNCHANGED
        (the same in WordPress), KEPT (an editor changed it here since the last import, and
        no --overwrite: the report says so) or UPDATED."""
        if target is None:
            return IMPORTED
        if known.digest == digest and not (self.retry_media and known.missing):
            return UNCHANGED
        if known.synced_at and target.updated_at > known.synced_at and not self.overwrite:
            notes.append(
                _("changed in Newsroom since the last import: left as it is (--overwrite)")
            )
            return KEPT
        return UPDATED

    def import_post(self, item):
        if item.status in {"trash", "auto-draft", "inherit"}:
            self.note(
                "post",
                item.wp_id,
                item.title,
                SKIPPED,
                _("status “%(status)s” in WordPress: not imported") % {"status": item.status},
            )
            for comment in item.comments:
                self.note(
                    "comment", comment.wp_id, comment.author, SKIPPED, _("its post is not imported")
                )
            return
        digest = _digest(
            item.title,
            item.content,
            item.excerpt,
            item.date_gmt,
            item.slug,
            item.status,
            item.password,
            item.comment_status,
            item.creator,
            item.categories,
            item.meta.get("_thumbnail_id"),
            item.meta.get(self.views_meta),
        )
        with transaction.atomic():
            known = self.identity(Kind.POST, item.wp_id)
            article = known.target if known is not None else None
            notes = []
            outcome = self.outcome(known, article, digest, notes)
            if outcome == IMPORTED:
                article = self.create_article(item, notes)
            elif outcome == UPDATED:
                self.update_article(article, item, notes)
            if outcome in {IMPORTED, UPDATED}:
                missing = [note for note in notes if note.startswith("!")]
                known = self.remember(
                    known,
                    Kind.POST,
                    item.wp_id,
                    Article.objects.get(pk=article.pk),
                    digest=digest,
                    missing=_("images missing") if missing else "",
                )
            self.import_comments(item, article)
            self.post_redirects(item, article)
            self.note(
                "post",
                item.wp_id,
                item.title,
                outcome,
                "; ".join(note.lstrip("!") for note in notes),
                article.get_absolute_url(),
            )

    def _body(self, item, notes):
        """The post's or page's text converted (content.convert), with notes for the report
        (an image missing starts with "!")."""
        conversion = content.convert(
            item.content, self.photo_for, self.attachments_by_parent.get(item.wp_id, ())
        )
        if conversion.removed:
            notes.append(
                _("removed, meaningless outside WordPress: %(names)s")
                % {"names": ", ".join(conversion.removed)}
            )
        for url in conversion.missing:
            notes.append("!" + _("image missing: %(url)s") % {"url": url})
        return conversion.body

    def _fill(self, article, item, notes):
        """Set the article's content from the post; notes for the report (an image missing
        starts with "!")."""
        body = self._body(item, notes)
        section, others = self.section_for(item)
        if others:
            notes.append(
                _("also in the categories %(names)s: an article has one section")
                % {"names": ", ".join(others)}
            )
        article.title = item.title[:200] or _("Untitled (WordPress post %(id)s)") % {
            "id": item.wp_id
        }
        article.slug = self.unique_slug(item, article)
        article.standfirst = content.plain_text(item.excerpt)
        article.body = body
        article.section = section
        article.author = self.author_for(item.creator) if item.creator else self.user
        article.comments_open = item.comment_status == "open"
        language = self.export.language
        if language in dict(settings.LANGUAGES):
            article.language = language
        hero = item.first_meta("_thumbnail_id").strip()
        article.photo_id = self.photo_for(attachment_id=hero) if hero else None
        if hero and article.photo_id is None:
            notes.append("!" + _("featured image missing (attachment %(id)s)") % {"id": hero})

    def _tags(self, item):
        return [
            self.tags[slug]
            for domain, slug, _name in item.categories
            if domain == "post_tag" and slug in self.tags
        ]

    def create_article(self, item, notes):
        article = Article()
        self._fill(article, item, notes)
        views = self.views(item)
        if views is not None:
            article.view_count = views
        article.take_step("create", by=self.user)
        article.tags.add(*self._tags(item))
        step, note = self.post_status(item)
        if note:
            notes.append(note)
        if step is not None:
            at = item.date_gmt if step in {"publish", "schedule"} else None
            article.take_step(step, by=self.user, at=at or timezone.now())
        return article

    def update_article(self, article, item, notes):
        self._fill(article, item, notes)
        with reversion.create_revision():
            article.save()
            reversion.set_user(self.user)
            reversion.set_comment(_("Updated from WordPress"))
        article.tags.set(self._tags(item))
        views = self.views(item)
        if views is not None and views > article.view_count:
            Article.objects.filter(pk=article.pk).update(view_count=views)
        step, note = self.post_status(item)
        if note:
            notes.append(note)
        published = article.status == Article.Status.PUBLISHED
        if step in {"publish", "schedule"} and not published:
            article.take_step(step, by=self.user, at=item.date_gmt or timezone.now())
        elif step is None and published:
            article.take_step("unpublish", by=self.user)

    # --- Pages ------------------------------------------------------------------------------

    def import_page(self, item):
        """A WordPress page becomes a site page (pages.Page): published if it was, left out of
        the footer (an editor chooses what the footer links to), its address redirected."""
        for comment in item.comments:
            self.note(
                "comment",
                comment.wp_id,
                comment.author,
                SKIPPED,
                _("a comment on a page: site pages have no comments"),
            )
        if item.status in {"trash", "auto-draft", "inherit"}:
            self.note(
                "page",
                item.wp_id,
                item.title,
                SKIPPED,
                _("status “%(status)s” in WordPress: not imported") % {"status": item.status},
            )
            return
        digest = _digest(item.title, item.content, item.slug, item.status, item.password)
        with transaction.atomic():
            known = self.identity(Kind.PAGE, item.wp_id)
            page = known.target if known is not None else None
            notes = []
            outcome = self.outcome(known, page, digest, notes)
            if outcome in {IMPORTED, UPDATED}:
                page = page or Page()
                self._fill_page(page, item, notes)
                page.save()
                missing = [note for note in notes if note.startswith("!")]
                self.remember(
                    known,
                    Kind.PAGE,
                    item.wp_id,
                    page,
                    digest=digest,
                    missing=_("images missing") if missing else "",
                )
            if page.is_published:
                new = page.get_absolute_url()
                self.redirect(_path(item.link), new)
                self.redirect(f"{self.site_path}/", new, f"page_id={item.wp_id}")
            self.note(
                "page",
                item.wp_id,
                item.title,
                outcome,
                "; ".join(note.lstrip("!") for note in notes),
                page.get_absolute_url(),
            )

    def _fill_page(self, page, item, notes):
        body = self._body(item, notes)
        page.title = item.title[:200] or _("Untitled (WordPress page %(id)s)") % {"id": item.wp_id}
        page.slug = self.unique_slug(item, page)
        page.body = body
        page.order = item.menu_order
        if self.export.language in dict(settings.LANGUAGES):
            page.language = self.export.language
        page.updated_by = self.user
        page.is_published = item.status == "publish" and not item.password
        if item.password:
            notes.append(_("password-protected in WordPress: imported unpublished"))
        elif not page.is_published:
            notes.append(
                _("“%(status)s” in WordPress: imported unpublished") % {"status": item.status}
            )

    # --- Comments ---------------------------------------------------------------------------

    def import_comments(self, item, article):
        if not item.comments:
            return
        ids = [comment.wp_id for comment in item.comments]
        known = {
            record.wp_id: record
            for record in ImportedItem.objects.filter(
                site_url=self.site, kind=Kind.COMMENT, wp_id__in=ids
            )
        }
        existing = Comment.objects.in_bulk(
            [int(record.object_id) for record in known.values() if record.object_id]
        )
        by_wp = {}
        for wp_id, record in known.items():
            if record.object_id and int(record.object_id) in existing:
                by_wp[wp_id] = existing[int(record.object_id)]
        post_author = self.authors.get(item.creator)
        ordered = sorted(
            item.comments, key=lambda c: (c.date_gmt is None, c.date_gmt, int(c.wp_id or 0))
        )
        identities = []
        for wp_comment in ordered:
            if wp_comment.type in {"pingback", "trackback"}:
                self.note(
                    "comment",
                    wp_comment.wp_id,
                    wp_comment.author,
                    SKIPPED,
                    _("a %(type)s: counted, not imported") % {"type": wp_comment.type},
                )
                continue
            if wp_comment.wp_id in by_wp:
                self.note("comment", wp_comment.wp_id, wp_comment.author, UNCHANGED)
                continue
            comment, reason = self.import_comment(wp_comment, article, by_wp, post_author)
            if comment is None:
                self.note("comment", wp_comment.wp_id, wp_comment.author, SKIPPED, reason)
                continue
            by_wp[wp_comment.wp_id] = comment
            # Recorded together below: one INSERT for the post's comments, not one each.
            identity = ImportedItem(site_url=self.site, kind=Kind.COMMENT, wp_id=wp_comment.wp_id)
            identity.point_at(comment)
            identity.synced_at = getattr(comment, "updated_at", None)
            if self.record is not None and self.record.pk:
                identity.last_import = self.record
            identities.append(identity)
            self.note(
                "comment",
                wp_comment.wp_id,
                wp_comment.author,
                IMPORTED,
                reason,
                comment.get_absolute_url(),
            )
        ImportedItem.objects.bulk_create(identities, batch_size=500)
        # Old addresses are forgotten on the schedule of every comment's (comments.privacy).
        moment = timezone.now() - timezone.timedelta(days=settings.COMMENTS_PURGE_AFTER_DAYS)
        Comment.objects.for_article(article).with_request_data_before(moment).purge_request_data()

    def import_comment(self, wp_comment, article, by_wp, post_author):
        text = content.plain_text(wp_comment.content)
        if not text:
            return None, _("empty")
        reason = ""
        parent = None
        if wp_comment.parent not in {"", "0"}:
            parent = by_wp.get(wp_comment.parent)
            if parent is None:
                reason = _(
                    "a reply to comment %(id)s, which is not in the file: attached to the article"
                ) % {"id": wp_comment.parent}
            elif parent.depth >= Comment.MAX_DEPTH:
                # An answer to a comment at the last level joins that level.
                parent = parent.parent
        try:
            validate_email(wp_comment.email)
            email = wp_comment.email
        except ValidationError:
            email = ""
        try:
            ip_address = str(ipaddress.ip_address(wp_comment.ip))
        except ValueError:
            ip_address = None
        by_newsroom = (
            post_author is not None
            and wp_comment.user_id not in {"", "0"}
            and self.author_ids.get(wp_comment.user_id) == post_author.get_username()
        )
        comment = Comment(
            article=article,
            name=(wp_comment.author or _("Anonymous"))[:80],
            email=email,
            text=text,
            created_at=wp_comment.date_gmt or article.published_at or timezone.now(),
            parent=parent,
            thread=(parent.thread or parent) if parent else None,
            depth=parent.depth + 1 if parent else 0,
            ip_address=ip_address,
            user_agent=wp_comment.agent[:300],
            by_newsroom=by_newsroom,
            staff_author=post_author if by_newsroom else None,
        )
        comment.save()
        status = COMMENT_STATUSES.get(wp_comment.approved, Comment.Status.PENDING)
        if status != Comment.Status.PENDING:
            comment.moderate(status, by=self.user)
        return comment, reason

    # --- Redirects --------------------------------------------------------------------------

    def redirect(self, old_path, new_path, query=""):
        if not old_path or (old_path == new_path and not query):
            return
        Redirect.objects.get_or_create(
            old_path=old_path[:500], query=query[:100], defaults={"new_path": new_path}
        )

    def post_redirects(self, item, article):
        if article.status != Article.Status.PUBLISHED:
            return
        new = article.get_absolute_url()
        link = urlsplit(item.link)
        if link.query:
            self.redirect(_path(item.link), new, link.query)
        else:
            self.redirect(_path(item.link), new)
        self.redirect(f"{self.site_path}/", new, f"p={item.wp_id}")
        old_path = _path(item.link)
        for old_slug in item.meta.get("_wp_old_slug", []):
            old_slug = old_slug.strip()
            if old_slug and item.slug and item.slug in old_path:
                self.redirect(old_path.replace(item.slug, unquote(old_slug)), new)

    def _category_path(self, term):
        slugs, seen = [], set()
        while term is not None and term.slug not in seen:
            seen.add(term.slug)
            slugs.insert(0, unquote(term.slug))
            term = self.export.categories.get(term.parent)
        return "/".join(slugs)

    def archive_redirects(self):
        """Category and tag archives, the feeds, and attachment pages."""
        if self.dry_run:
            return
        base = self.site_path
        self.redirect(f"{base}/feed/", reverse("feed_rss"))
        for slug, section in self.sections.items():
            term = self.export.categories.get(slug)
            if term is None:
                continue
            path = self._category_path(term)
            self.redirect(f"{base}/category/{path}/", section.get_absolute_url())
            self.redirect(
                f"{base}/category/{path}/feed/",
                reverse("section_feed_rss", kwargs={"slug": section.slug}),
            )
            if term.wp_id:
                self.redirect(f"{base}/", section.get_absolute_url(), f"cat={term.wp_id}")
        for slug, tag in self.tags.items():
            url = reverse("articles:tag", kwargs={"slug": tag.slug})
            self.redirect(f"{base}/tag/{unquote(slug)}/", url)
            self.redirect(f"{base}/", url, f"tag={unquote(slug)}")
        for attachment in self.export.attachments.values():
            article = self._article_showing(attachment)
            if article is None:
                continue
            new = article.get_absolute_url()
            if attachment.link and "?" not in attachment.link:
                self.redirect(_path(attachment.link), new)
            self.redirect(f"{base}/", new, f"attachment_id={attachment.wp_id}")

    def _article_showing(self, attachment):
        """The published article an attachment's page now means: its post, else one showing
        its photo."""
        parent = self.identity(Kind.POST, attachment.parent) if attachment.parent != "0" else None
        if parent is not None and parent.object_id:
            article = Article.objects.published().filter(pk=parent.object_id).first()
            if article is not None:
                return article
        photo = self.identity(Kind.ATTACHMENT, attachment.wp_id)
        if photo is None or not photo.object_id:
            return None
        return (
            Article.objects.published().using_photo(photo.target).order_by("published_at").first()
        )
