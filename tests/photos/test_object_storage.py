"""Photos on object storage (MEDIA_STORAGE=s3): originals and renditions in a real
S3-compatible bucket (SeaweedFS on loopback, started once per test process), served from its
public address."""

import re
import urllib.request

import pytest
from botocore.config import Config
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from photos.models import Photo
from tests.articles.factories import EditorFactory, PublishedArticleFactory
from tests.harness import printed_json, python
from tests.servers import SeaweedFS

from .images import jpeg_bytes

pytestmark = pytest.mark.django_db

IMMUTABLE = "public, max-age=31536000, immutable"


def use_the_bucket_of(settings, seaweedfs):
    """The media storage is the server's bucket, as MEDIA_STORAGE=s3 makes it
    (newsroom/settings), with no retries, so that a stopped store answers at once."""
    public_url = f"{seaweedfs.endpoint_url}/{seaweedfs.bucket}"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": seaweedfs.bucket,
                "endpoint_url": seaweedfs.endpoint_url,
                "access_key": seaweedfs.access_key,
                "secret_key": seaweedfs.secret_key,
                "region_name": seaweedfs.region,
                "custom_domain": public_url.removeprefix("http://"),
                "url_protocol": "http:",
                "querystring_auth": False,
                "file_overwrite": False,
                "object_parameters": {"CacheControl": IMMUTABLE},
                "client_config": Config(retries={"max_attempts": 1}, connect_timeout=2),
            },
        },
    }
    seaweedfs.public_url = public_url


@pytest.fixture
def s3(settings, seaweedfs):
    """The test process's SeaweedFS as the media storage; its bucket emptied afterwards."""
    use_the_bucket_of(settings, seaweedfs)
    yield seaweedfs
    client = seaweedfs.client()
    for key in keys(seaweedfs):
        client.delete_object(Bucket=seaweedfs.bucket, Key=key)


def keys(server):
    listing = server.client().list_objects_v2(Bucket=server.bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def upload_through_the_admin(client):
    client.force_login(EditorFactory())
    response = client.post(
        reverse("admin:photos_photo_add"),
        {
            "image": SimpleUploadedFile("etals.jpg", jpeg_bytes(), content_type="image/jpeg"),
            "alt_text": "Des étals de fruits sous la verrière",
            "caption": "Les étals, le matin de la réouverture.",
            "credit": "Claire Mercier",
        },
    )
    assert response.status_code == 302, response.content.decode()
    return Photo.objects.get()


def test_a_photo_and_its_renditions_go_to_the_bucket_with_a_long_cache_lifetime(
    client, s3, committed
):
    with committed():
        photo = upload_through_the_admin(client)

    stored = keys(s3)
    renditions = [rendition.name for rendition in photo.renditions()]
    assert stored == sorted([photo.image.name, *renditions])
    assert photo.image.name.startswith("photos/")
    assert all(name.startswith("CACHE/images/") for name in renditions)
    for name in stored:
        head = s3.client().head_object(Bucket=s3.bucket, Key=name)
        assert head["CacheControl"] == IMMUTABLE
        assert head["ContentType"] in {"image/jpeg", "image/webp"}


def test_the_article_page_points_at_the_public_address_and_readers_get_the_image_there(
    client, s3, committed
):
    with committed():
        photo = upload_through_the_admin(client)
    article = PublishedArticleFactory(photo=photo)
    client.logout()
    requests = []
    events = photo.image.storage.connection.meta.client.meta.events
    events.register("before-send.s3", lambda **kwargs: requests.append(kwargs["request"]))

    page = client.get(article.get_absolute_url()).content.decode()

    # The renditions' existence is known from the cache: the page asks the store nothing.
    assert requests == []
    addresses = re.findall(r'<img[^>]* src="([^"]+)"', page)
    for srcset in re.findall(r'srcset="([^"]+)"', page):
        addresses += [candidate.split()[0] for candidate in srcset.split(", ")]
    photo_addresses = [url for url in addresses if "/CACHE/images/" in url]
    assert len(photo_addresses) == 2 * len(photo.rendition_widths()) + 1
    assert all(url.startswith(f"{s3.public_url}/CACHE/images/") for url in photo_addresses)
    # A reader, with no key, straight from the store's public address.
    with urllib.request.urlopen(photo_addresses[-1], timeout=10) as response:  # noqa: S310
        body = response.read()
        assert response.headers["Cache-Control"] == IMMUTABLE
    name = photo_addresses[-1].removeprefix(f"{s3.public_url}/")
    assert body == s3.client().get_object(Bucket=s3.bucket, Key=name)["Body"].read()
    assert body.startswith((b"\xff\xd8", b"RIFF"))


def test_deleting_an_unused_photo_removes_its_files_from_the_bucket(client, s3, committed):
    with committed():
        photo = upload_through_the_admin(client)
    assert keys(s3)

    with committed():
        response = client.post(
            reverse("admin:photos_photo_delete", args=[photo.pk]), {"post": "yes"}
        )

    assert response.status_code == 302
    assert keys(s3) == []


def test_healthz_checks_the_bucket_and_says_when_the_store_is_down(client, settings, tmp_path):
    # A SeaweedFS of its own, to stop: the test process's one serves the other tests.
    with SeaweedFS(tmp_path) as store:
        use_the_bucket_of(settings, store)
        assert client.get("/healthz").json()["checks"]["object_store"] == "ok"
        assert keys(store) == []  # its test file is deleted

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["object_store"] == "down"
    assert response.json()["checks"]["database"] == "ok"


S3_ENV = {
    "MEDIA_STORAGE": "s3",
    "S3_BUCKET": "newsroom",
    "S3_ENDPOINT_URL": "https://s3.example.org",
    "S3_ACCESS_KEY_ID": "key",
    "S3_SECRET_ACCESS_KEY": "secret",
    "S3_REGION": "fr-par",
    "S3_PUBLIC_URL": "https://media.example.org/",
}
STORAGE = """
import json
from django.conf import settings
from django.core.files.storage import storages
storage = storages["default"]
print(json.dumps({"backend": settings.STORAGES["default"]["BACKEND"],
                  "url": storage.url("photos/2026/11/pont.jpg")}))
"""


def test_media_storage_s3_puts_uploads_in_the_bucket_and_serves_them_from_its_public_address():
    found = printed_json(python(STORAGE, env=S3_ENV))

    assert found == {
        "backend": "storages.backends.s3.S3Storage",
        "url": "https://media.example.org/photos/2026/11/pont.jpg",
    }


def test_without_media_storage_uploads_stay_in_the_media_folder():
    found = printed_json(python(STORAGE, drop=["MEDIA_STORAGE"]))

    assert found == {
        "backend": "django.core.files.storage.FileSystemStorage",
        "url": "/media/photos/2026/11/pont.jpg",
    }


@pytest.mark.parametrize("missing", ["S3_BUCKET", "S3_SECRET_ACCESS_KEY", "S3_PUBLIC_URL"])
def test_media_storage_s3_without_one_of_its_variables_stops_start_up(missing):
    result = python(STORAGE, env={**S3_ENV, missing: ""})

    assert result.returncode == 1
    assert f"{missing} is not set: MEDIA_STORAGE=s3 needs S3_BUCKET" in result.stderr
