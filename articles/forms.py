from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.template.defaultfilters import truncatechars
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, strip_tags
from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from photos.images import PhotoUploadField
from photos.models import Photo

from .models import Article
from .widgets import CountedProseEditorWidget, CountedTextarea


class ArticleAdminForm(forms.ModelForm):
    """The journalist's form. The lead photo is chosen from the library, or uploaded here: it
    then joins the library, checked and cleaned, described by the fields below it."""

    new_photo = PhotoUploadField(
        label=_("Or upload a new photo"),
        required=False,
        widget=AdminFileWidget,
        help_text=_(
            "JPEG, PNG or WebP. Its location and camera data are removed, and it joins the "
            "photo library with the description below."
        ),
    )
    # The saved state the form was filled from (see Article.version_token). A post without it is
    # not checked: the check protects people from each other, it is not a permission.
    version_token = forms.CharField(required=False, widget=forms.HiddenInput)
    review_note = forms.CharField(
        label=_("note to the author"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent with “Send back to the author”: what to fix before the next review."),
    )

    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "standfirst",
            "body",
            "photo",
            "photo_alt",
            "photo_caption",
            "photo_credit",
            "section",
            "author",
            "tags",
            "language",
            "published_at",
            "comments_open",
        ]
        # Made for writing: the headline wraps whole, and each text shows its count.
        widgets = {
            "title": CountedTextarea(
                attrs={"rows": 2, "class": "article-headline"}, single_line=True
            ),
            "standfirst": CountedTextarea(attrs={"rows": 3, "class": "vLargeTextField"}),
            "body": CountedProseEditorWidget,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Unless the form is filled again with a post that was refused (desk), whose check
            # must be against the state its author had opened.
            self.initial.setdefault("version_token", self.instance.version_token)

    def clean_title(self):
        # The headline is one line, however it wraps in its field: a line break is a space.
        return " ".join(self.cleaned_data["title"].split())

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("new_photo") and not cleaned_data.get("photo_alt", "").strip():
            self.add_error(
                "photo_alt",
                _(
                    "Describe the new photo for readers who cannot see it: a photo needs "
                    "alternative text."
                ),
            )
        token = cleaned_data.get("version_token")
        if token and self.instance.pk and token != self.instance.version_token:
            raise ValidationError(self.conflict_message(token), code="edit_conflict")
        return cleaned_data

    def save_new_photo(self, by):
        """The uploaded photo, added to the library with the description typed under it, as
        the article's lead photo; its description is the library's, not an override."""
        upload = self.cleaned_data.get("new_photo")
        if not upload:
            return None
        article = self.instance
        photo = Photo.objects.create(
            image=upload,
            alt_text=article.photo_alt,
            caption=article.photo_caption,
            credit=article.photo_credit,
            uploaded_by=by,
        )
        photo.make_renditions_on_commit()
        article.photo = photo
        article.photo_alt = article.photo_caption = article.photo_credit = ""
        return photo

    def conflict_message(self, token):
        article = self.instance
        people, changed = article.edits_since(token, FIELDS)
        when = date_format(timezone.localtime(article.updated_at), "DATETIME_FORMAT")
        message = ngettext(
            "While you were editing, %(people)s saved this article (on %(when)s).",
            "While you were editing, %(people)s saved this article (last on %(when)s).",
            len(people) or 1,
        ) % {"people": get_text_list(people, gettext("and")) or gettext("someone"), "when": when}
        if changed:
            message += " " + gettext("They changed: %(changes)s.") % {
                "changes": "; ".join(
                    gettext("%(field)s → “%(value)s”")
                    % {"field": field.verbose_name, "value": _shown(article, field)}
                    for field in changed
                )
            }
        message += " " + gettext(
            "Your changes are not saved, so that theirs are not lost: copy what you wrote, "
            "reload the page, and make your changes again."
        )
        # The writer's own autosave of this article (desk), offered to take their text back.
        from desk.models import Autosave

        writer = getattr(self, "writer", None)
        autosave = writer and Autosave.objects.of(writer).for_object(article).first()
        if not autosave:
            return message
        return format_html(
            '{} {} <a href="{}">{}</a>',
            message,
            gettext("Your text was autosaved at %(time)s: reload the article and choose Restore.")
            % {"time": date_format(timezone.localtime(autosave.saved_at), "TIME_FORMAT")},
            autosave.get_absolute_url(),
            gettext("Restore your autosaved text"),
        )


FIELDS = [*ArticleAdminForm._meta.fields, "status"]


def _shown(article, field):
    if field.choices:
        value = getattr(article, f"get_{field.name}_display")()
    elif field.is_relation:
        value = getattr(article, field.name)
    else:
        value = field.value_from_object(article)
    if hasattr(value, "tzinfo"):
        value = date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else ""
    return truncatechars(strip_tags(str(value if value is not None else "")), 80)
