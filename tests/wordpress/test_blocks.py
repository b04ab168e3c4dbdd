"""Gutenberg's cover and media-and-text blocks, as the real block export has them: the photo
first, as a library photo, then the text, without the layers that put one beside or over the
other."""

import re

import pytest

from articles.sanitize import sanitize_html
from wordpress import content, wxr

from .conftest import shared_export

FIGURE = re.compile(r'<figure data-photo="(\d+)"[^>]*></figure>')


@pytest.fixture(scope="module")
def block_posts():
    path = shared_export("64-block-test-data.xml")
    return {
        item.title: item.content
        for item in wxr.items(path)
        if item.title in {"Cover", "Media & Text"}
    }


def library(found):
    """A photo library that has every file: each address (or attachment) gets its photo."""

    def photo_for(url, attachment_id, alt, caption):
        found.append((url, attachment_id))
        return 40 + len(found)

    return photo_for


def test_a_cover_becomes_its_photo_then_its_text(block_posts):
    found = []
    result = content.convert(block_posts["Cover"], library(found))
    body = sanitize_html(result.body)

    # The export has 51 covers, all over the same attachment, each with its "Content" line.
    assert len(found) == 51
    assert set(found) == {
        ("https://wpthemetestdata.files.wordpress.com/2008/06/dsc20050102_192118_51.jpg", "761")
    }
    assert len(FIGURE.findall(body)) == 51
    first = body.index('<figure data-photo="41"')
    assert body.index("<p>Content</p>", first) > first
    assert "wp-block-cover" not in body
    assert "<div" not in body
    assert "<!--" not in body
    assert not result.missing


def test_a_media_and_text_block_becomes_its_photo_then_its_text(block_posts):
    found = []
    result = content.convert(block_posts["Media & Text"], library(found))
    body = sanitize_html(result.body)

    assert found[0] == ("https://wpthemetestdata.files.wordpress.com/2008/06/img_0747.jpg", "769")
    assert len(FIGURE.findall(body)) == len(found)
    photo = body.index('<figure data-photo="41"')
    assert body.index("<p>Content, image media on left.</p>") > photo
    assert body.index("<p>A second line to illustrate the line height.</p>") > photo
    # The block with its media on the right: its text stays, its video (not imported) goes
    # and the report names it.
    assert "<p>Content, video media on right.</p>" in body
    assert "<video" not in body
    assert "video" in result.removed
    assert "wp-block-media-text" not in body
    assert "<div" not in body


@pytest.mark.parametrize("title", ["Cover", "Media & Text"])
def test_without_its_photo_the_block_keeps_its_text_and_the_file_is_listed(block_posts, title):
    result = content.convert(block_posts[title], lambda url, attachment_id, alt, caption: None)
    body = sanitize_html(result.body)

    assert "<figure" not in body
    assert "<p>Content" in body
    assert result.missing
