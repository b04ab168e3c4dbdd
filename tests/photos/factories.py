import factory
from factory.django import DjangoModelFactory

from photos.models import Photo


class PhotoFactory(DjangoModelFactory):
    """A real 1600×900 JPEG drawn by Pillow, described as the library requires."""

    class Meta:
        model = Photo

    image = factory.django.ImageField(
        filename="photo.jpg", width=1600, height=900, color="teal", format="JPEG"
    )
    alt_text = "Une rivière au lever du jour"
    caption = "La rivière en amont du bourg."
    credit = "Claire Mercier"
