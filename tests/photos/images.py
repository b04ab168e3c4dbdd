"""Real image files made with Pillow, for the upload and rendition tests."""

import io
import struct
import zlib

from PIL import ExifTags, Image

ORIENTATION = 0x0112


def jpeg_bytes(size=(400, 200), *, orientation=None, gps=False, camera=False):
    """A JPEG whose left half is red and right half blue, with the EXIF asked for."""
    image = Image.new("RGB", size, "blue")
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    if orientation:
        exif[ORIENTATION] = orientation
    if camera:
        exif[ExifTags.Base.Make] = "Canon"
        exif[ExifTags.Base.Model] = "EOS 5D"
    if gps:
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (48.0, 51.0, 24.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (2.0, 21.0, 3.0),
        }
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


def image_bytes(fmt, size=(120, 80), mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size, "green").save(buffer, format=fmt)
    return buffer.getvalue()


def _png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width=100_000, height=100_000):
    """A tiny, valid-looking PNG whose header claims `width` × `height` pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + _png_chunk(b"IEND", b"")
    )


def has_metadata(image):
    """Whether a Pillow image still carries EXIF (orientation, GPS, camera) of any kind."""
    return bool(image.getexif()) or "exif" in image.info
