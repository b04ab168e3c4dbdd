"""A big export is read in bounded memory: the file is streamed, never held whole."""

import tracemalloc

from wordpress import wxr

POSTS = 2_000
#: About 10 kB of text per post: a 20 MB export.
PARAGRAPH = "<p>" + "Le conseil municipal a voté la rénovation de la halle. " * 30 + "</p>\n"

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" \
xmlns:content="http://purl.org/rss/1.0/modules/content/" \
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Gros journal</title><link>https://gros.example</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://gros.example</wp:base_site_url>
"""


def write_huge_export(path):
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for number in range(1, POSTS + 1):
            out.write(
                f"<item><title>Article {number}</title>"
                f"<link>https://gros.example/article-{number}/</link>"
                f"<content:encoded><![CDATA[{PARAGRAPH * 6}]]></content:encoded>"
                f"<wp:post_id>{number}</wp:post_id><wp:post_type>post</wp:post_type>"
                f"<wp:status>publish</wp:status><wp:post_name>article-{number}</wp:post_name>"
                "<wp:comment><wp:comment_id>1</wp:comment_id>"
                "<wp:comment_content><![CDATA[Bravo.]]></wp:comment_content></wp:comment>"
                "</item>\n"
            )
        out.write("</channel></rss>\n")


def test_a_20_mb_export_is_read_in_a_few_megabytes(tmp_path):
    path = tmp_path / "huge.xml"
    write_huge_export(path)
    size = path.stat().st_size
    assert size > 20_000_000

    tracemalloc.start()
    try:
        export = wxr.scan(path)
        count = sum(1 for _item in wxr.items(path))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert (export.counts["post"], export.comment_count, count) == (POSTS, POSTS, POSTS)
    # A few posts at a time, never the file: under a hundredth of its size.
    assert peak < size / 100, f"{peak / 1e6:.1f} MB for a {size / 1e6:.0f} MB file"
