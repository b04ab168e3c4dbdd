import datetime
from contextlib import nullcontext

import reversion
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager
from taggit.models import TaggedItem

from photos import specs
from photos.models import Photo, PhotoUse

from . import body, fulltext
from .sanitize import EDITOR_EXTENSIONS, sanitize_html
from .workflow import NEW, Step, declare


class SectionQuerySet(models.QuerySet):
    NAVIGATION_CACHE_KEY = "articles:section-navigation"

    def for_navigation(self):
        """All sections, in order, from the cache; the signals drop it when a section changes."""
        sections = cache.get(self.NAVIGATION_CACHE_KEY)
        if sections is None:
            sections = list(self.all())
            cache.set(self.NAVIGATION_CACHE_KEY, sections, timeout=24 * 60 * 60)
        return sections

    @classmethod
    def forget_navigation(cls):
        cache.delete(cls.NAVIGATION_CACHE_KEY)


class Section(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


class AuthorProfile(models.Model):
    """What readers see about an author: the byline, a job title and a short biography."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="author_profile",
        verbose_name=_("user"),
    )
    byline = models.CharField(
        _("byline"),
        max_length=120,
        blank=True,
        help_text=_("The name printed on articles. Leave empty to use the account's full name."),
    )
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    bio = models.TextField(_("biography"), blank=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__username"]
        verbose_name = _("author profile")
        verbose_name_plural = _("author profiles")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"username": self.user.get_username()})

    @property
    def name(self):
        return self.byline or byline_for(self.user)


def byline_for(user):
    """The name an author signs with: their profile's byline, full name, or username."""
    profile = getattr(user, "author_profile", None) if user.pk else None
    if profile is not None and profile.byline:
        return profile.byline
    return user.get_full_name() or user.get_username()


class ArticleStateError(PermissionDenied):
    """A workflow step that does not apply to the article's current status.

    A refusal like any other (PermissionDenied), for callers that only care whether a step was
    taken; the admin's bulk actions tell it apart from "not allowed".
    """


class ArticleQuerySet(models.QuerySet):
    def live(self):
        """Articles whose status is published, whatever their date."""
        return self.filter(status=Article.Status.PUBLISHED)

    def published(self):
        """What readers may see: published, with a publication time that has come."""
        return self.live().filter(published_at__lte=timezone.now())

    def scheduled(self):
        return self.live().filter(published_at__gt=timezone.now())

    def drafts(self):
        return self.filter(status=Article.Status.DRAFT)

    def returned(self):
        """Drafts that came back from an editor: their latest event is a send-back or an
        unpublication. A draft that was never submitted, or that its author took back to work on
        after an editor's note and submitted again, is not in it."""
        latest = ArticleEvent.objects.filter(article=models.OuterRef("pk")).order_by(
            "-created_at", "-pk"
        )
        return (
            self.drafts()
            .annotate(last_event=models.Subquery(latest.values("action")[:1]))
            .filter(last_event__in=[ArticleEvent.Action.SENT_BACK, ArticleEvent.Action.UNPUBLISHED])
        )

    def editable_by(self, user):
        """The articles `user` may change: every one for editors, their own unpublished ones for
        journalists, none for the others."""
        if not user.has_perm("articles.change_article"):
            return self.none()
        if user.has_perm("articles.change_any_article"):
            return self.all()
        return self.filter(author=user, status__in=[Article.Status.DRAFT, Article.Status.IN_REVIEW])

    def in_review(self):
        return self.filter(status=Article.Status.IN_REVIEW)

    def in_section(self, section):
        return self.filter(section=section)

    # --- Reader pages: every list, feed, sitemap and search is built from these. ---

    def for_listing(self):
        """What an article card shows (section, byline, lead photo), fetched in the same
        query."""
        return self.select_related("section", "author__author_profile", "photo")

    def using_photo(self, photo):
        """The articles that show `photo`, as its lead photo or in their text."""
        uses = PhotoUse.objects.filter(
            photo=photo, content_type=ContentType.objects.get_for_model(Article)
        ).values("object_id")
        return self.filter(pk__in=[int(use["object_id"]) for use in uses])

    def visible_to(self, user):
        """What `user` may open: published articles, plus every state for staff who edit them."""
        if user.is_staff and user.has_perm("articles.change_article"):
            return self.all()
        return self.published()

    def by_author(self, user):
        return self.filter(author=user)

    def with_tag(self, tag):
        return self.filter(tags=tag)

    def published_since(self, delta):
        """Published articles whose publication time falls within the last `delta`."""
        return self.published().filter(published_at__gte=timezone.now() - delta)

    def most_read(self, delta):
        """Articles published within the last `delta`, the most viewed first.

        The count is the article's lifetime count: "most read this week" means the most read of
        the articles published this week, which needs no per-day counter table.
        """
        return self.published_since(delta).order_by("-view_count", "-published_at")

    def search(self, text):
        """Articles matching every word of `text` in their headline, standfirst, body or
        caption, markup aside, whatever the case and accents: headline matches first, then the
        best matches (see articles.fulltext, one engine per database)."""
        return fulltext.search(self, text)


# Before Article, whose workflow declaration names the actions each step records.
class ArticleEvent(models.Model):
    """One line of an article's audit trail: who did what to it, and when.

    Revisions keep the article's content; events keep the newsroom's decisions, in a table the
    dashboard can query ("what came back from review") and that outlives pruned revisions.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        SUBMITTED = "submitted", _("Submitted for review")
        SENT_BACK = "sent_back", _("Sent back to the author")
        PUBLISHED = "published", _("Published")
        SCHEDULED = "scheduled", _("Scheduled")
        UNPUBLISHED = "unpublished", _("Unpublished")
        RESTORED = "restored", _("Earlier version restored")

    article = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="events", verbose_name=_("article")
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    # Someone who leaves keeps their decisions on record, without a name.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="article_events",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("article event")
        verbose_name_plural = _("article events")
        indexes = [
            # An article's trail, and its latest event (the dashboard's "came back" rule).
            models.Index(fields=["article", "-created_at"], name="articleevent_article_idx"),
        ]

    def __str__(self):
        return f"{self.get_action_display()}: {self.article}"

    def get_absolute_url(self):
        return self.article.get_absolute_url()

    @property
    def actor_name(self):
        return byline_for(self.actor) if self.actor else _("a former staff member")


# Revisions keep an article's tags with it: restoring a version brings its tags back.
reversion.register(TaggedItem)


@reversion.register(follow=["tagged_items"])
class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    standfirst = models.TextField(
        _("standfirst"), blank=True, help_text=_("The short lede shown under the headline.")
    )
    # The editor offers exactly what the sanitiser keeps; save() sanitises again whatever the
    # path the HTML came by (admin, shell, import).
    body = ProseEditorField(
        _("body"), blank=True, config={"extensions": EDITOR_EXTENSIONS}, sanitize=sanitize_html
    )

    # The lead photo, from the library; deleting a photo an article leads with is refused.
    photo = models.ForeignKey(
        Photo,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("photo"),
    )
    # For this article only: empty means the library's own.
    photo_alt = models.CharField(
        _("alternative text for this article"),
        max_length=250,
        blank=True,
        help_text=_("Leave empty to use the library's."),
    )
    photo_caption = models.CharField(
        _("caption for this article"),
        max_length=300,
        blank=True,
        help_text=_("Leave empty to use the library's."),
    )
    photo_credit = models.CharField(
        _("credit for this article"),
        max_length=150,
        blank=True,
        help_text=_("Leave empty to use the library's."),
    )

    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="articles", verbose_name=_("section")
    )
    # An author who leaves keeps their byline: deleting the account is refused while they have
    # articles, rather than silently orphaning or deleting the archive.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="articles",
        verbose_name=_("author"),
    )
    tags = TaggableManager(_("tags"), blank=True)
    # The tag links themselves, for revisions to follow (and deleted with the article).
    tagged_items = GenericRelation(TaggedItem, related_query_name="article")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_("A date in the future schedules the article."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    view_count = models.PositiveBigIntegerField(_("views"), default=0, editable=False)
    comments_open = models.BooleanField(_("comments open"), default=True)
    language = models.CharField(
        _("language"),
        max_length=7,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_(
            "The language the article is written in: screen readers pronounce it in that "
            "language, and search engines are told so, whatever the reader's interface language."
        ),
    )
    # The body's words without markup, for search (articles.fulltext): kept by save().
    body_text = models.TextField(_("body text"), blank=True, editable=False)
    # The captions and credits of the article's photos as readers see them, for search: kept by
    # record_photo_uses(), since they live in the library.
    captions = models.TextField(_("captions"), blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    #: The workflow, declared once: draft -> in review -> published, and back to draft. Each step
    #: says where it starts and leads, who may take it, what it records and what the admin shows
    #: for it; `take_step()` takes it, `available_steps()` lists those a user may take.
    STEPS = declare(
        Step(
            "create",
            sources=(NEW,),
            target=Status.DRAFT,
            permission="articles.add_article",
            action=ArticleEvent.Action.CREATED,
            wrong_status=_("This article has already been created."),
        ),
        Step(
            "submit_for_review",
            sources=(Status.DRAFT,),
            target=Status.IN_REVIEW,
            # Journalists hand in their own drafts: editable_by() says which are theirs.
            permission="articles.change_article",
            action=ArticleEvent.Action.SUBMITTED,
            wrong_status=_("Only a draft can be submitted for review."),
            label=_("Save and submit for review"),
            done=_("“%(title)s” is now waiting for review."),
            bulk_description=_("Submit the selected articles for review"),
            bulk_done=ngettext_lazy(
                "%(count)d article submitted for review.",
                "%(count)d articles submitted for review.",
                "count",
            ),
        ),
        Step(
            "publish",
            sources=(Status.DRAFT, Status.IN_REVIEW),
            target=Status.PUBLISHED,
            permission="articles.publish_article",
            action=ArticleEvent.Action.PUBLISHED,
            wrong_status=_("This article is already published."),
            label=_("Save and publish"),
            done=_("“%(title)s” is published."),
            bulk_description=_("Publish the selected articles"),
            bulk_done=ngettext_lazy(
                "%(count)d article published (or scheduled, if its date is in the future).",
                "%(count)d articles published (or scheduled, if their date is in the future).",
                "count",
            ),
            sets_date=True,
            # Publishing for a date in the future is scheduling.
            when_future="schedule",
        ),
        Step(
            "schedule",
            sources=(Status.DRAFT, Status.IN_REVIEW),
            target=Status.PUBLISHED,
            permission="articles.publish_article",
            action=ArticleEvent.Action.SCHEDULED,
            wrong_status=_("This article is already published."),
            done=_("“%(title)s” is scheduled: readers will see it from %(date)s."),
            sets_date=True,
            # Scheduling for a date that has come is publishing.
            when_due="publish",
        ),
        Step(
            "unpublish",
            sources=(Status.PUBLISHED,),
            target=Status.DRAFT,
            permission="articles.publish_article",
            action=ArticleEvent.Action.UNPUBLISHED,
            wrong_status=_("Only a published article can be unpublished."),
            label=_("Unpublish"),
            done=_("“%(title)s” is unpublished: readers no longer see it."),
            bulk_description=_("Unpublish the selected articles"),
            bulk_done=ngettext_lazy(
                "%(count)d article unpublished.", "%(count)d articles unpublished.", "count"
            ),
        ),
        Step(
            "send_back",
            sources=(Status.IN_REVIEW,),
            target=Status.DRAFT,
            permission="articles.publish_article",
            action=ArticleEvent.Action.SENT_BACK,
            wrong_status=_("Only an article in review can be sent back."),
            label=_("Send back to the author"),
            done=_("“%(title)s” is back with its author as a draft."),
            bulk_description=_("Send the selected articles back to their authors"),
            bulk_done=ngettext_lazy(
                "%(count)d article sent back to its author.",
                "%(count)d articles sent back to their authors.",
                "count",
            ),
            asks_for_note=True,
        ),
        Step(
            "restore",
            # django-reversion puts the earlier version back; the step checks who may, and
            # records it.
            sources=tuple(Status),
            target=None,
            permission="articles.restore_article",
            action=ArticleEvent.Action.RESTORED,
            wrong_status=_("Only a saved article has earlier versions to restore."),
        ),
    )

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        # What separates an editor from a journalist (see staff/roles.py).
        permissions = [
            ("publish_article", _("Can publish, schedule, unpublish and send back articles")),
            ("change_any_article", _("Can edit any article, whatever its author and status")),
            ("restore_article", _("Can restore an earlier version of an article")),
        ]
        indexes = [
            # The lists sort on the full ordering, so that SQLite need not sort the archive.
            models.Index(
                fields=["status", "-published_at", "-created_at"], name="article_status_pub_idx"
            ),
            models.Index(fields=["section", "status", "-published_at"], name="article_section_idx"),
            # Nothing indexes view_count: every view updates it, and an indexed column makes
            # PostgreSQL write a new entry in every index of the table on each update, where an
            # unindexed one is updated in place (a "HOT" update). "Most read" lists sort the
            # week's articles, found through article_status_pub_idx.
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:200]
        self.body = sanitize_html(self.body)
        self.body_text = body.search_text(self.body)
        if self.pk and not self._state.adding and kwargs.get("update_fields") is None:
            # The view count belongs to the readers: an editor's copy, loaded before the latest
            # views were counted, must not write its stale figure back.
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key and field.attname != "view_count"
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def byline(self):
        return byline_for(self.author)

    @cached_property
    def tag_list(self):
        """The article's tags as (name, slug) pairs, kept in the cache under its saved state for
        a day: the page's head (Open Graph, structured data) and its body show them, without a
        query once cached. Any save of the article names a new entry."""
        key = f"articles:tags:{self.pk}:{self.version_token}"
        tags = cache.get(key)
        if tags is None:
            tags = [(tag.name, tag.slug) for tag in self.tags.all()]
            cache.set(key, tags, timeout=24 * 60 * 60)
        return tags

    def get_author_url(self):
        return reverse("articles:author", kwargs={"username": self.author.get_username()})

    # --- Two people editing at once ----------------------------------------------------------

    @property
    def version_token(self):
        """Names the saved state a form was filled from: any save (a form, a workflow step)
        changes it, so a form posted from an older state can be told apart."""
        return self.updated_at.isoformat() if self.updated_at else ""

    def edits_since(self, token, fields):
        """What was saved after the state `token` names: the people who saved, and for each of
        `fields` whose value changed, its new value. Read from the revisions, which store every
        save with its author; without the older revision, only the people are known."""
        from reversion.models import Version

        versions = list(Version.objects.get_for_object(self).select_related("revision__user")[:50])

        def to_millisecond(moment):
            # Revisions store times to the millisecond.
            return moment.replace(microsecond=moment.microsecond // 1000 * 1000)

        try:
            wanted = to_millisecond(datetime.datetime.fromisoformat(token))
        except ValueError:
            wanted = None
        later, base = [], None
        for version in versions:
            stored = version.field_dict.get("updated_at")
            if stored is not None and wanted is not None and to_millisecond(stored) == wanted:
                base = version
                break
            later.append(version)
        people = []
        for version in reversed(later):
            user = version.revision.user
            name = byline_for(user) if user else _("someone")
            if name not in people:
                people.append(name)
        changed = []
        if base is not None:
            old = base.field_dict
            for name in fields:
                field = self._meta.get_field(name)
                if not field.concrete or field.attname not in old:
                    continue
                if old[field.attname] != getattr(self, field.attname):
                    changed.append(field)
        return people, changed

    def editable_by(self, user):
        """Whether `user` may change this article: editors any, journalists their own while it
        is a draft or in review."""
        if not user.has_perm("articles.change_article"):
            return False
        if user.has_perm("articles.change_any_article"):
            return True
        return self.author_id == user.pk and self.status in (
            self.Status.DRAFT,
            self.Status.IN_REVIEW,
        )

    # --- Workflow: the steps of Article.STEPS, taken by take_step() and nothing else. ---------

    def available_steps(self, user):
        """The steps that apply to the article's status and that `user` may take, in order."""
        return [
            step
            for step in self.STEPS.values()
            if self._workflow_status in step.sources and self.may_take(step, user)
        ]

    def may_take(self, step, user):
        """Whether `user` may take `step` on this article, whatever its status: the step's
        permission, and on a saved article the right to change it (see editable_by)."""
        if not user.has_perm(step.permission):
            return False
        # A new article has no author's rules yet: writing one needs only the right to add.
        return self._state.adding or self.editable_by(user)

    def take_step(self, step, *, by, note="", at=None, when=None):
        """Take the workflow step named `step` (or given as a Step), as the user `by`; return the
        step taken, which is "schedule" for a "publish" with a publication date in the future
        (and the reverse).

        Refuses with PermissionDenied when `by` may not take it, then with ArticleStateError
        when it does not apply to the article's status. Otherwise sets the status (and, for
        publish and schedule, the publication date: `at`, else the date already set, else the
        moment of the step) and saves those fields only (a restore, whose content
        django-reversion put back, saves nothing more), in a revision signed by `by` with the
        recorded action as comment; and records the step in the audit trail with `note`. All in
        one transaction. `when` dates the step in the past (the event and the revision), for the
        demo and importers; it is now otherwise.
        """
        if isinstance(step, str):
            step = self.STEPS[step]
        moment = when or timezone.now()
        published_at = self.published_at
        if step.sets_date:
            published_at = at or published_at or moment
            if step.when_future and published_at > moment:
                step = self.STEPS[step.when_future]
            elif step.when_due and published_at <= moment:
                step = self.STEPS[step.when_due]
        if not self.may_take(step, by):
            raise PermissionDenied(
                _("You are not allowed to take this step on “%(title)s”.") % {"title": self.title}
            )
        if self._workflow_status not in step.sources:
            raise ArticleStateError(str(step.wrong_status))

        fields = []
        if step.target is not None:
            self.status = step.target
            fields.append("status")
        if step.sets_date:
            self.published_at = published_at
            fields.append("published_at")
        with transaction.atomic(), reversion.create_revision():
            if self._state.adding:
                self.save()
            elif fields:
                # Only what the step changes: the rest may have been saved by someone else.
                self.save(update_fields=[*fields, "updated_at"])
            # The revision stores the whole article: the version list reads as its history.
            reversion.add_to_revision(self)
            reversion.set_user(by)
            reversion.set_comment(str(step.action.label))
            if when is not None:
                reversion.set_date_created(when)
            ArticleEvent.objects.create(
                article=self, action=step.action, actor=by, note=note, created_at=moment
            )
        return step

    @property
    def _workflow_status(self):
        return NEW if self._state.adding else self.status

    # --- The lead photo --------------------------------------------------------------------

    @property
    def photo_alt_text(self):
        return self.photo_alt or (self.photo.alt_text if self.photo else "")

    @property
    def photo_caption_text(self):
        return self.photo_caption or (self.photo.caption if self.photo else "")

    @property
    def photo_credit_text(self):
        return self.photo_credit or (self.photo.credit if self.photo else "")

    @property
    def picture(self):
        """What the responsive `<picture>` of the lead photo needs, or None without one."""
        if self.photo is None:
            return None
        return {**self.photo.picture, "sizes": specs.RENDITION_SIZES}

    @classmethod
    def syndicated_photos(cls, articles):
        """{article id: its lead photo as feeds carry it} for a list of articles, from the cache
        under each photo's saved state: a feed reads every photo's rendition once, not on every
        request."""
        keys = {
            # The saved state as a number: a key with spaces is one memcached would refuse.
            article.pk: (
                f"articles:syndicated-photo:{article.photo_id}:"
                f"{article.photo.updated_at.timestamp()}"
            )
            for article in articles
            if article.photo is not None
        }
        cached = cache.get_many(list(keys.values()))
        photos, fresh = {}, {}
        for article in articles:
            key = keys.get(article.pk)
            if key is None:
                continue
            if key not in cached:
                # False, not None: a photo that cannot be read is remembered too.
                fresh[key] = cached[key] = article.photo.syndicated() or False
            photos[article.pk] = cached[key] or None
        if fresh:
            cache.set_many(fresh, timeout=24 * 60 * 60)
        return photos

    def photo_ids(self):
        """Every library photo the article shows: its lead photo, then those in its text."""
        ids = [self.photo_id] if self.photo_id else []
        return ids + [pk for pk in body.photo_ids(self.body) if pk != self.photo_id]

    def record_photo_uses(self):
        """Tell the library which photos the article shows (so that it lists the article under
        each, and refuses to delete them), and keep the captions readers see for search."""
        ids = self.photo_ids()
        PhotoUse.objects.record(self, ids)
        photos = Photo.objects.in_bulk(ids)
        # The lead photo as this article shows it; those in the text as the library describes
        # them (what the text overrides is in body_text already).
        parts = [self.photo_caption_text, self.photo_credit_text]
        for pk in ids:
            if pk != self.photo_id and pk in photos:
                parts += [photos[pk].caption, photos[pk].credit]
        captions = " ".join(part for part in parts if part)
        if captions != self.captions:
            Article.objects.filter(pk=self.pk).update(captions=captions)
            self.captions = captions

    def record_view(self):
        """Add one view atomically in the database and return the new count."""
        count = self.count_view(self.pk)
        if count is not None:
            self.view_count = count
        return self.view_count

    @classmethod
    def count_view(cls, pk, *, if_unchanged_since=None, along_with=()):
        """Add one view to article `pk` and return its new count, or None when nothing matched.

        One statement adds and reads back (UPDATE … RETURNING, on PostgreSQL and SQLite 3.35+),
        so the page shows everyone's views at the cost of a single query, and no other field is
        ever written. With `if_unchanged_since` (an `updated_at`), the view counts only if the
        article is still published and unchanged since then: a rendering of it is current.

        `along_with` are the visit's other writes (a donation prompt's impression), callables
        made only when the view counts. On PostgreSQL, when each also gives its SQL,
        `write.sql_after(name)` (a data-modifying statement taking its rows from the query
        `name`, the view's, so that it writes only when the view counts), the view and they go
        as one statement: one round trip, no BEGIN or COMMIT. Elsewhere they share a
        transaction.

        A statement that is its own transaction on PostgreSQL commits without waiting for the
        disk flush (synchronous_commit off, for this commit only): counters are the one write
        worth a crash of the database server losing its last fraction of a second (README).
        """
        condition, params = cls._view_condition(pk, if_unchanged_since)
        table = connection.ops.quote_name(cls._meta.db_table)
        # The table name is ours and every value a parameter: nothing here comes from a reader.
        sql = (
            f"UPDATE {table} SET view_count = view_count + 1 "  # noqa: S608
            f"WHERE {condition} RETURNING view_count"
        )
        writes = list(along_with)
        together = connection.vendor == "postgresql" and all(
            hasattr(write, "sql_after") for write in writes
        )
        if together:
            queries = [f"viewed AS ({sql})"]
            for number, write in enumerate(writes):
                write_sql, write_params = write.sql_after("viewed")
                queries.append(f"write{number} AS ({write_sql})")
                params += write_params
            select = "SELECT view_count FROM viewed"
            if not connection.in_atomic_block:
                # Local to the statement's own transaction, which ends with it.
                queries.append(
                    "durability AS (SELECT set_config('synchronous_commit', 'off', true))"
                )
                select += ", durability"
            if len(queries) > 1:
                sql = f"WITH {', '.join(queries)} {select}"
        with transaction.atomic() if writes and not together else nullcontext():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                row = cursor.fetchone()
            if row is not None and not together:
                for write in writes:
                    write()
        return row[0] if row else None

    @classmethod
    def read_view_count(cls, pk, *, if_unchanged_since):
        """Article `pk`'s view count, or None when it is no longer published and unchanged
        since `if_unchanged_since`: what `count_view` checks, for a visit that counts nothing
        (a crawler's). One SELECT, written out like `count_view`'s UPDATE: it runs on every
        such visit, where building it through the ORM would cost more than running it."""
        condition, params = cls._view_condition(pk, if_unchanged_since)
        table = connection.ops.quote_name(cls._meta.db_table)
        sql = f"SELECT view_count FROM {table} WHERE {condition}"  # noqa: S608 (as count_view)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return row[0] if row else None

    @classmethod
    def _view_condition(cls, pk, if_unchanged_since):
        """The WHERE clause, with its parameters, of the article a view counts for: with
        `if_unchanged_since`, only while published and saved last at that moment."""
        adapt = connection.ops.adapt_datetimefield_value
        condition, params = "id = %s", [pk]
        if if_unchanged_since is not None:
            condition += " AND status = %s AND published_at <= %s AND updated_at = %s"
            params += [cls.Status.PUBLISHED, adapt(timezone.now()), adapt(if_unchanged_since)]
        return condition, params


class SearchIndexDocument(models.Field):
    """The hidden column of an SQLite FTS5 table, named like the table: `document__match=…`
    asks the index."""

    def db_type(self, connection):
        return None


@SearchIndexDocument.register_lookup
class Match(models.Lookup):
    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class ArticleSearchEntry(models.Model):
    """An article's entry in SQLite's full-text index (articles.fulltext), kept by triggers:
    read, never written, and absent on PostgreSQL."""

    article = models.OneToOneField(
        Article,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        related_name="search_entry",
        verbose_name=_("article"),
    )
    document = SearchIndexDocument(db_column=fulltext.FTS_TABLE)

    class Meta:
        managed = False
        db_table = fulltext.FTS_TABLE
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index entries")

    def __str__(self):
        return str(self.article_id)
