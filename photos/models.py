"""The newsroom's photo library: each photo once, with its description, reused across articles.

A photo is stored upright and without EXIF, GPS or camera data (photos.images checks and
cleans every upload); readers only ever get its renditions (photos.specs). Whatever uses a
photo records it as a `PhotoUse`, so the library can say where each photo appears and refuse
to delete one in use, without knowing the apps that use it.
"""

from functools import partial

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from imagekit.models import ImageSpecField

from . import specs


class PhotoQuerySet(models.QuerySet):
    def search(self, text):
        """Photos whose alternative text, caption, credit or source holds every word of
        `text`, whatever the case."""
        match = Q()
        for word in text.split():
            match &= (
                Q(alt_text__icontains=word)
                | Q(caption__icontains=word)
                | Q(credit__icontains=word)
                | Q(source__icontains=word)
            )
        return self.filter(match)

    def with_use_count(self):
        """Each photo with `use_count`: how many distinct things use it (articles, mostly)."""
        return self.annotate(
            use_count=Count("uses__object_id", distinct=True),
        )


class Photo(models.Model):
    image = models.ImageField(
        _("photo"),
        upload_to="photos/%Y/%m/",
        width_field="width",
        height_field="height",
    )
    width = models.PositiveIntegerField(_("width"), editable=False)
    height = models.PositiveIntegerField(_("height"), editable=False)
    alt_text = models.CharField(
        _("alternative text"),
        max_length=250,
        help_text=_("Describes the photo for readers who cannot see it. Required."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(_("credit"), max_length=150, blank=True)
    source = models.CharField(
        _("source or licence"),
        max_length=200,
        blank=True,
        help_text=_("Where the photo comes from and on what terms: agency, licence, archive."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    #: The 1200×630 JPEG for Open Graph and Twitter cards.
    social = ImageSpecField(source="image", spec=specs.SocialRendition)
    #: The small crop shown in the admin.
    thumbnail = ImageSpecField(source="image", spec=specs.ThumbnailRendition)

    objects = PhotoQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        indexes = [models.Index(fields=["-uploaded_at"], name="photo_uploaded_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(alt_text=""), name="photo_has_alt_text"),
        ]

    def __str__(self):
        return self.caption or self.alt_text

    def get_absolute_url(self):
        return reverse("admin:photos_photo_change", args=[self.pk])

    # --- Renditions ------------------------------------------------------------------------------

    def rendition_widths(self):
        """Registered widths worth offering: those below the photo's width, plus the first at or
        above it (which, never upscaled, comes out at the photo's own width)."""
        smaller = [w for w in specs.RENDITION_WIDTHS if w < self.width]
        larger = [w for w in specs.RENDITION_WIDTHS if w >= self.width][:1]
        return smaller + larger

    def rendition(self, width, fmt="JPEG"):
        return specs.rendition(self.image, width, fmt)

    @cached_property
    def picture(self):
        """Everything a responsive `<picture>` needs. Sizes come from the stored dimensions, so
        a page never opens an image file to know them."""
        targets = self.rendition_widths()
        sources = {}
        for fmt in specs.RENDITION_FORMATS:
            candidates = []
            for target in targets:
                width, _height = specs.rendition_size(self.width, self.height, target)
                candidates.append(f"{self.rendition(target, fmt).url} {width}w")
            sources[fmt] = ", ".join(candidates)
        default = min(targets, key=lambda target: abs(target - 800))
        width, height = specs.rendition_size(self.width, self.height, default)
        return {
            "webp_srcset": sources["WEBP"],
            "jpeg_srcset": sources["JPEG"],
            "src": self.rendition(default).url,
            "width": width,
            "height": height,
        }

    def renditions(self):
        """Every rendition of the photo, for making them all right after an upload."""
        files = [self.social, self.thumbnail]
        for target in self.rendition_widths():
            for fmt in specs.RENDITION_FORMATS:
                files.append(self.rendition(target, fmt))
        return files

    def stored_names(self):
        """The names of the photo's files in the media storage: the original and every
        rendition, made or not."""
        return [self.image.name, *(rendition.name for rendition in self.renditions())]

    def make_renditions_on_commit(self):
        """Queue the making of every rendition once the upload is saved (photos/tasks.py), so
        that neither the journalist nor the first reader waits for them."""
        from .tasks import make_renditions

        transaction.on_commit(partial(make_renditions.enqueue, self.pk), robust=True)

    #: The width of the photo given to feed readers and aggregators.
    SYNDICATED_WIDTH = 1200

    def syndicated(self):
        """The photo as feeds carry it: the JPEG rendition closest to SYNDICATED_WIDTH, with
        its address (relative to the site), size in pixels and bytes, and type; None when its
        file cannot be read."""
        width = min(self.rendition_widths(), key=lambda w: abs(w - self.SYNDICATED_WIDTH))
        file = self.rendition(width)
        try:
            length = file.size
        except OSError:
            return None
        pixels = specs.rendition_size(self.width, self.height, width)
        return {
            "url": file.url,
            "width": pixels[0],
            "height": pixels[1],
            "length": length,
            "type": "image/jpeg",
        }

    # --- Where it is used ------------------------------------------------------------------------

    def used_in(self):
        """What shows the photo (articles, mostly), each once, in the order they started to."""
        seen, found = set(), []
        for use in self.uses.select_related("content_type").order_by("pk"):
            key = (use.content_type_id, use.object_id)
            if key not in seen and use.used_by is not None:
                seen.add(key)
                found.append(use.used_by)
        return found


class PhotoUseQuerySet(models.QuerySet):
    def of(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )

    @transaction.atomic
    def record(self, obj, photo_ids):
        """Make `obj`'s uses exactly the photos `photo_ids` (missing ids are ignored): the
        library then knows where each photo appears, and refuses to delete one in use."""
        wanted = set(Photo.objects.filter(pk__in=set(photo_ids)).values_list("pk", flat=True))
        current = self.of(obj)
        current.exclude(photo_id__in=wanted).delete()
        have = set(current.values_list("photo_id", flat=True))
        content_type = ContentType.objects.get_for_model(obj)
        self.bulk_create(
            PhotoUse(photo_id=pk, content_type=content_type, object_id=str(obj.pk))
            for pk in sorted(wanted - have)
        )


class PhotoUse(models.Model):
    """One thing that shows a photo: the library is told, so that it can say where each photo
    appears and refuse to delete one in use."""

    # PROTECT: a photo in use cannot be deleted; the admin lists what uses it.
    photo = models.ForeignKey(
        Photo, on_delete=models.PROTECT, related_name="uses", verbose_name=_("photo")
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=40)
    used_by = GenericForeignKey("content_type", "object_id")

    objects = PhotoUseQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("use of a photo")
        verbose_name_plural = _("uses of photos")
        constraints = [
            models.UniqueConstraint(
                fields=["photo", "content_type", "object_id"], name="photouse_once"
            ),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="photouse_used_by_idx"),
        ]

    def __str__(self):
        return str(self.used_by) if self.used_by is not None else str(self.photo)

    def get_absolute_url(self):
        return getattr(self.used_by, "get_absolute_url", lambda: "")()
