from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.utils.translation import gettext_lazy as _

from .images import PhotoUploadField
from .models import Photo


class PhotoForm(forms.ModelForm):
    """A photo for the library: the file is checked and cleaned before it is stored."""

    image = PhotoUploadField(
        label=_("Photo"),
        widget=AdminFileWidget,
        help_text=_("JPEG, PNG or WebP. Its location and camera data are removed."),
    )

    class Meta:
        model = Photo
        fields = ["image", "alt_text", "caption", "credit", "source"]
