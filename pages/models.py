"""The newsroom's own pages: "À propos", "Mentions légales" (which French law requires of a
publisher), the team, how to reach it. Editors write them in the admin with the articles'
editor, and choose which ones the footer of every page links to."""

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from articles import body
from articles.sanitize import EDITOR_EXTENSIONS, sanitize_html
from photos.models import PhotoUse


class PageQuerySet(models.QuerySet):
    FOOTER_CACHE_KEY = "pages:footer"

    def published(self):
        return self.filter(is_published=True)

    def for_footer(self):
        """The published pages the footer links to, in order, from the cache: the footer is on
        every page, so it costs one query after each change of a page, and none in between
        (the signals drop the copy)."""
        pages = cache.get(self.FOOTER_CACHE_KEY)
        if pages is None:
            pages = list(
                self.published().filter(show_in_footer=True).only("title", "slug", "language")
            )
            cache.set(self.FOOTER_CACHE_KEY, pages, timeout=24 * 60 * 60)
        return pages

    @classmethod
    def forget_footer(cls):
        cache.delete(cls.FOOTER_CACHE_KEY)


class Page(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, help_text=_("The end of the page's address.")
    )
    # The articles' editor and allow-list: what an editor can type is exactly what is kept,
    # and save() sanitises again whatever the path the HTML came by (admin, shell, import).
    body = ProseEditorField(
        _("text"), blank=True, config={"extensions": EDITOR_EXTENSIONS}, sanitize=sanitize_html
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the page is written in."),
    )
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Readers see only published pages.")
    )
    show_in_footer = models.BooleanField(
        _("in the footer"),
        default=False,
        help_text=_("The footer of every page links to it (once it is published)."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("The footer lists its pages from the smallest number.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last changed by"),
    )

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")
        indexes = [
            models.Index(
                fields=["is_published", "show_in_footer", "order"], name="page_footer_idx"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:200]
        self.body = sanitize_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("pages:detail", kwargs={"slug": self.slug})

    def photo_ids(self):
        return body.photo_ids(self.body)

    def record_photo_uses(self):
        """Tell the library which photos the page shows: it lists the page under each, and
        refuses to delete them."""
        PhotoUse.objects.record(self, self.photo_ids())
