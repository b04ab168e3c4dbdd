"""Renditions of the library's photos, made by django-imagekit.

Readers only ever get renditions: each one is re-encoded from the pixels, turned upright from the
EXIF orientation first, and written without EXIF, GPS or camera data. A rendition is generated
the first time it is asked for, stored under MEDIA_ROOT/CACHE/, and reused afterwards.
"""

from imagekit import ImageSpec, register
from imagekit.cachefiles import ImageCacheFile
from imagekit.processors import ResizeToFill, ResizeToFit, Transpose
from imagekit.registry import generator_registry

#: Widths offered in `srcset`, smallest first.
RENDITION_WIDTHS = (480, 800, 1200, 1600)
#: Formats offered, best first: the browser takes the first `<source>` it understands.
RENDITION_FORMATS = ("WEBP", "JPEG")
#: What the browser should assume about the image's displayed width (the article column).
RENDITION_SIZES = "(min-width: 52rem) 48rem, 100vw"

QUALITY = {"WEBP": 80, "JPEG": 82}


def rendition_id(width, fmt):
    return f"photos:photo:{width}:{fmt.lower()}"


class Rendition(ImageSpec):
    """A photo scaled down (never up) to `width`, upright, without metadata."""

    width = None

    @property
    def processors(self):
        return [Transpose(), ResizeToFit(width=self.width, upscale=False)]


for _width in RENDITION_WIDTHS:
    for _fmt in RENDITION_FORMATS:
        register.generator(
            rendition_id(_width, _fmt),
            type(
                f"Rendition{_width}{_fmt.title()}",
                (Rendition,),
                {
                    "width": _width,
                    "format": _fmt,
                    "options": {"quality": QUALITY[_fmt], "optimize": True},
                },
            ),
        )


#: The size of link previews (Open Graph and Twitter cards), in pixels.
SOCIAL_SIZE = (1200, 630)


class SocialRendition(ImageSpec):
    """The 1200×630 crop that Open Graph and Twitter cards expect."""

    processors = [Transpose(), ResizeToFill(*SOCIAL_SIZE)]
    format = "JPEG"
    options = {"quality": 82, "optimize": True}


class ThumbnailRendition(ImageSpec):
    """The small crop shown in the admin."""

    processors = [Transpose(), ResizeToFill(160, 100)]
    format = "JPEG"
    options = {"quality": 75}


def rendition(source, width, fmt):
    """The cached rendition of `source` (an ImageFieldFile) at `width` in `fmt`."""
    generator = generator_registry.get(rendition_id(width, fmt), source=source)
    return ImageCacheFile(generator)


def rendition_size(source_width, source_height, width):
    """The pixel size of the `width` rendition of a source, computed as ResizeToFit does."""
    if width >= source_width:
        return source_width, source_height
    ratio = width / source_width
    return round(source_width * ratio), round(source_height * ratio)
