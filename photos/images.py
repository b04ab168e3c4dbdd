"""Checking and cleaning an uploaded photo before it is stored.

An upload is refused, with a sentence the journalist can act on, when it is too heavy, is not an
image at all, is in a format we do not serve, claims more pixels than the limit (a decompression
bomb is just that), or is damaged. An accepted photo is stored upright and without its EXIF, GPS
or camera data, so that even the original file cannot betray a source.
"""

import io
import warnings
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

#: Pillow format name -> (file extension, MIME type).
ALLOWED_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000

# Re-encoding the original: close to lossless, since renditions are made from it.
SAVE_OPTIONS = {"JPEG": {"quality": 92, "optimize": True}, "PNG": {"optimize": True}}
SAVE_OPTIONS["WEBP"] = {"quality": 92}


def max_bytes():
    return getattr(settings, "ARTICLES_IMAGE_MAX_BYTES", DEFAULT_MAX_BYTES)


def max_pixels():
    return getattr(settings, "ARTICLES_IMAGE_MAX_PIXELS", DEFAULT_MAX_PIXELS)


class PhotoUploadField(forms.ImageField):
    """An image upload checked with Pillow and returned re-encoded, upright and metadata-free."""

    default_error_messages = {
        "too_heavy": _(
            "This file weighs %(size)s; the largest image accepted is %(limit)s. "
            "Export it smaller and upload it again."
        ),
        "not_image": _("This file is not an image. Upload a photo in JPEG, PNG or WebP format."),
        "bad_format": _(
            "Images in %(format)s format are not accepted. Upload a JPEG, PNG or WebP file."
        ),
        "too_many_pixels": _(
            "This image has too many pixels to be processed safely (more than %(limit)s "
            "million). Resize it and upload it again."
        ),
        "damaged": _(
            "This image is damaged or incomplete (the upload may have been cut short). "
            "Open it in an image editor, save it again and upload it."
        ),
    }

    def to_python(self, data):
        # FileField's checks (empty file, name length) but not ImageField's: Django's own image
        # check has a single vague message, and this one tells each failure apart.
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        if upload.size > max_bytes():
            raise forms.ValidationError(
                self.error_messages["too_heavy"],
                code="too_heavy",
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes())},
            )
        image = self._open(upload)
        return self._normalise(upload, image)

    def _open(self, upload):
        limit = max_pixels()
        too_many = forms.ValidationError(
            self.error_messages["too_many_pixels"],
            code="too_many_pixels",
            params={"limit": f"{limit / 1_000_000:g}"},
        )
        content = upload.read() if not hasattr(upload, "temporary_file_path") else None
        source = io.BytesIO(content) if content is not None else upload.temporary_file_path()
        try:
            with warnings.catch_warnings():
                # Pillow only warns below twice its own limit; a warning is a refusal here.
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(source) as probe:
                    image_format = probe.format
                    width, height = probe.size
                    if image_format not in ALLOWED_FORMATS:
                        raise forms.ValidationError(
                            self.error_messages["bad_format"],
                            code="bad_format",
                            params={"format": image_format},
                        )
                    if width * height > limit:
                        raise too_many
                    probe.verify()
                if content is not None:
                    source = io.BytesIO(content)
                image = Image.open(source)
                # verify() reads the structure only; load() decodes every pixel, which is what
                # finds a truncated file.
                image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise too_many from error
        except forms.ValidationError:
            raise
        except Image.UnidentifiedImageError as error:
            raise forms.ValidationError(
                self.error_messages["not_image"], code="not_image"
            ) from error
        except (OSError, SyntaxError, ValueError) as error:
            raise forms.ValidationError(self.error_messages["damaged"], code="damaged") from error
        return image

    def _normalise(self, upload, image):
        """The same photo, turned upright and saved again without any metadata."""
        image_format = image.format
        upright = ImageOps.exif_transpose(image)
        if image_format == "JPEG" and upright.mode not in {"RGB", "L"}:
            upright = upright.convert("RGB")
        buffer = io.BytesIO()
        # Only the pixels are written: no exif=, icc_profile= or pnginfo= is passed on.
        upright.save(buffer, format=image_format, **SAVE_OPTIONS[image_format])
        extension, content_type = ALLOWED_FORMATS[image_format]
        name = f"{Path(upload.name).stem[:80] or 'image'}.{extension}"
        cleaned = SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)
        cleaned.image = upright
        return cleaned
