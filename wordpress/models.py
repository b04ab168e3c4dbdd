"""What the WordPress importer remembers: each run, each item it brought in, and the old
addresses that must keep working."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Import(models.Model):
    """One run of `import_wordpress`: who ran it, on which file, and what became of each item."""

    file_name = models.CharField(_("file"), max_length=255)
    site_url = models.CharField(_("WordPress site"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("run by"),
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    #: {"post": {"imported": 3, "unchanged": 1}, …}
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    #: The first items that were not simply imported (failed, skipped, kept, or imported with
    #: a note): [{"kind", "id", "title", "outcome", "reason", "url"}, …]. The whole report,
    #: every item of the file, goes to the report file as the import runs, never to memory.
    problems = models.JSONField(_("first problems"), default=list, blank=True)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    report_file = models.CharField(_("report file"), max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("WordPress import")
        verbose_name_plural = _("WordPress imports")

    def __str__(self):
        return f"{self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("admin:wordpress_import_change", args=[self.pk])


class ImportedItem(models.Model):
    """A WordPress item's identity (its site, kind and id there) and what it became here: a
    second import recognises it, updates it if it changed in WordPress, never duplicates it."""

    class Kind(models.TextChoices):
        AUTHOR = "author", _("Author")
        CATEGORY = "category", _("Category")
        TAG = "tag", _("Tag")
        POST = "post", _("Post")
        PAGE = "page", _("Page")
        ATTACHMENT = "attachment", _("Attachment")
        IMAGE = "image", _("Image in a post")
        COMMENT = "comment", _("Comment")

    site_url = models.CharField(_("WordPress site"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    #: The id in WordPress (an author's login, an image's address).
    wp_id = models.CharField(_("WordPress id"), max_length=500)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("type")
    )
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    #: A digest of what the file said, to tell whether it changed in WordPress since.
    digest = models.CharField(_("digest"), max_length=64, blank=True)
    #: The object's `updated_at` as the import left it: later, an editor changed it.
    synced_at = models.DateTimeField(_("synchronised"), null=True, blank=True)
    #: For a file that could not be had: why, so that --retry-media tries it again.
    missing = models.CharField(_("missing because"), max_length=200, blank=True)
    last_import = models.ForeignKey(
        Import,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("last import"),
    )

    class Meta:
        ordering = ["site_url", "kind", "pk"]
        verbose_name = _("imported item")
        verbose_name_plural = _("imported items")
        constraints = [
            models.UniqueConstraint(
                fields=["site_url", "kind", "wp_id"], name="importeditem_once_per_site"
            ),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="importeditem_target_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.wp_id} ({self.site_url})"

    def get_absolute_url(self):
        return reverse("admin:wordpress_importeditem_change", args=[self.pk])

    def point_at(self, obj):
        self.content_type = ContentType.objects.get_for_model(obj)
        self.object_id = str(obj.pk)


class RedirectQuerySet(models.QuerySet):
    def matching(self, path, query_pairs=()):
        """The redirect for `path`, or for `path` with one of `query_pairs` ("p=12"): one
        query on the (path, query) index."""
        candidates = ["", *query_pairs]
        found = {
            redirect.query: redirect
            for redirect in self.filter(old_path=path, query__in=candidates)
        }
        for query in reversed(candidates):
            if query in found:
                return found[query]
        return None


class Redirect(models.Model):
    """An old address of the WordPress site that answers a permanent redirect to its new page.
    Only a request that found nothing else (a 404), or the front page asked for a WordPress
    query (`/?p=12`), looks here (wordpress.middleware)."""

    old_path = models.CharField(
        _("old path"),
        max_length=500,
        help_text=_("The path on the old site, from its first slash: /2012/01/03/my-post/"),
    )
    query = models.CharField(
        _("query"),
        max_length=100,
        blank=True,
        help_text=_("For WordPress's short links only: p=12, page_id=5, cat=3."),
    )
    new_path = models.CharField(
        _("new address"), max_length=500, help_text=_("A path on this site: /article/my-post/")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RedirectQuerySet.as_manager()

    class Meta:
        ordering = ["old_path", "query"]
        verbose_name = _("redirect from WordPress")
        verbose_name_plural = _("redirects from WordPress")
        constraints = [
            models.UniqueConstraint(fields=["old_path", "query"], name="redirect_old_address_once"),
        ]

    def __str__(self):
        old = f"{self.old_path}?{self.query}" if self.query else self.old_path
        return f"{old} → {self.new_path}"

    def get_absolute_url(self):
        return self.new_path
