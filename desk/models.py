import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def admin_url(content_type, object_id):
    """The admin page of an object (its change form), or of a new one of its model."""
    info = content_type.app_label, content_type.model
    if object_id:
        return reverse("admin:{}_{}_change".format(*info), args=[object_id])
    return reverse("admin:{}_{}_add".format(*info))


class AutosaveQuerySet(models.QuerySet):
    def of(self, user):
        """Only `user`'s own: an autosave is never shown to anyone else."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def for_object(self, model, object_id=""):
        """The autosaves of one object of `model` (a model class or instance), or, with no
        `object_id`, of the objects of that model never saved yet."""
        if isinstance(model, models.Model) and not object_id:
            object_id = model.pk
        content_type = ContentType.objects.get_for_model(model)
        return self.filter(content_type=content_type, object_id=str(object_id or ""))

    def newer_than(self, moment):
        """Saved after `moment` (the object's last save); all of them without one."""
        if moment is None:
            return self
        return self.filter(saved_at__gt=moment)

    def stale(self, before=None):
        """Older than `before`, by default DESK_AUTOSAVE_DAYS ago."""
        if before is None:
            before = timezone.now() - datetime.timedelta(days=settings.DESK_AUTOSAVE_DAYS)
        return self.filter(saved_at__lt=before)

    def purge(self):
        """Deletes the stale ones (`purge_desk`); answers how many."""
        return self.stale().delete()[0]


class Autosave(models.Model):
    """What a form held when the browser last saved it for its user, every 30 seconds or when
    the page was left: not a revision, never written over the object, never shown to readers or
    to other users. Deleted when that user saves the object, or after DESK_AUTOSAVE_DAYS."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("content type")
    )
    # Empty for an object never saved yet (an add form).
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    # A random id each opened form carries: two tabs adding an article keep one autosave each.
    form_key = models.CharField(_("form key"), max_length=64)
    # The form as posted, {name: [values]} like a QueryDict: no files, no CSRF token.
    data = models.JSONField(_("data"), default=dict)
    # The object's version token when the form was opened, when its form has one.
    base_token = models.CharField(_("version of the object"), max_length=64, blank=True)
    saved_at = models.DateTimeField(_("saved"), default=timezone.now)

    objects = AutosaveQuerySet.as_manager()

    class Meta:
        ordering = ["-saved_at", "-pk"]
        verbose_name = _("autosave")
        verbose_name_plural = _("autosaves")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id", "form_key"],
                name="desk_autosave_one_per_form",
            ),
        ]
        indexes = [
            models.Index(
                fields=["user", "content_type", "object_id", "-saved_at"],
                name="desk_autosave_object_idx",
            ),
            models.Index(fields=["saved_at"], name="desk_autosave_saved_idx"),
        ]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id or '+'} ({self.saved_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        """The object's form, filled with this autosave (for its user only)."""
        return f"{admin_url(self.content_type, self.object_id)}?restore={self.pk}"

    @classmethod
    def record(cls, *, user, content_type, object_id, form_key, data, base_token=""):
        """Keeps what the form `form_key` holds for `user`, over its previous autosave."""
        autosave, _created = cls.objects.update_or_create(
            user=user,
            content_type=content_type,
            object_id=str(object_id or ""),
            form_key=form_key,
            defaults={"data": data, "base_token": base_token, "saved_at": timezone.now()},
        )
        return autosave


def browser_fingerprint(browser_id):
    """What is stored of the random id in a browser's signed cookie: its hash, never the id."""
    return hashlib.sha256(browser_id.encode()).hexdigest()


class KeptFormQuerySet(models.QuerySet):
    def held_by(self, user, browser_id=None):
        """The kept forms this person may get back: theirs, and those posted from this browser
        while nobody was logged in."""
        held = Q(pk__in=[])
        if user is not None and user.is_authenticated:
            held |= Q(user=user)
        if browser_id:
            held |= Q(user=None, browser=browser_fingerprint(browser_id))
        return self.filter(held)

    def stale(self, before=None):
        """Older than `before`, by default DESK_KEPT_FORM_HOURS ago."""
        if before is None:
            before = timezone.now() - datetime.timedelta(hours=settings.DESK_KEPT_FORM_HOURS)
        return self.filter(created_at__lt=before)

    def purge(self):
        """Deletes the stale ones (`purge_desk`); answers how many."""
        return self.stale().delete()[0]


class KeptForm(models.Model):
    """An admin form posted after its CSRF token or its session expired, kept for whoever
    posted it to find in the form again (after logging in, if needed)."""

    class Reason(models.TextChoices):
        FORM_EXPIRED = "form", _("The form had expired")
        SESSION_ENDED = "session", _("The session had ended")

    token = models.CharField(_("token"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # The hash of the random id in the browser's signed cookie (see browser_fingerprint).
    browser = models.CharField(_("browser"), max_length=64, blank=True)
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    path = models.CharField(_("path"), max_length=500)
    data = models.JSONField(_("data"), default=dict)
    had_files = models.BooleanField(_("had files"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = KeptFormQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("kept form")
        verbose_name_plural = _("kept forms")
        indexes = [models.Index(fields=["created_at"], name="desk_keptform_created_idx")]

    def __str__(self):
        return f"{self.path} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return f"{self.path}?kept={self.token}"

    #: Forms kept from logged-out browsers in an hour, at most: anyone may post to the admin's
    #: forms, and what strangers post must not fill the database.
    LOGGED_OUT_PER_HOUR = 50

    @classmethod
    def has_room_for_logged_out(cls):
        since = timezone.now() - datetime.timedelta(hours=1)
        recent = cls.objects.filter(user=None, created_at__gte=since)
        return recent.count() < cls.LOGGED_OUT_PER_HOUR

    @classmethod
    def keep(cls, *, path, data, had_files, reason, user=None, browser_id=""):
        return cls.objects.create(
            token=secrets.token_urlsafe(24),
            user=user if user is not None and user.is_authenticated else None,
            browser=browser_fingerprint(browser_id) if browser_id else "",
            reason=reason,
            path=path,
            data=data,
            had_files=had_files,
        )

    def claim(self, user):
        """Binds a form kept while logged out to who logged in from the same browser."""
        if self.user_id is None and user.is_authenticated:
            self.user = user
            self.save(update_fields=["user"])
