from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.utils.translation import gettext_lazy as _

from .images import ArticleImageField
from .models import Article


class ArticleAdminForm(forms.ModelForm):
    """The journalist's form: the photo is checked and cleaned before it is stored."""

    image = ArticleImageField(
        label=_("image"),
        required=False,
        widget=AdminFileWidget,
        help_text=_("A photo in JPEG, PNG or WebP. Its location and camera data are removed."),
    )

    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "standfirst",
            "body",
            "image",
            "image_alt",
            "image_caption",
            "image_credit",
            "section",
            "author",
            "tags",
            "published_at",
            "comments_open",
        ]
