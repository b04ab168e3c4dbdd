"""The report is written as the import goes: an import's memory does not grow with the number
of items in the file, whose history keeps counts and the first problems only."""

import tracemalloc

import pytest
from django.core.management import call_command

from wordpress.models import Import

from .conftest import _Sink
from .test_huge_file import HEADER


def write_export(path, posts):
    """Posts in the trash, each with a comment: two lines of the report per post, each a
    problem (skipped, with its reason), and no database work to slow the test down."""
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for number in range(1, posts + 1):
            out.write(
                f"<item><title>Article supprimé numéro {number}</title>"
                f"<link>https://gros.example/article-{number}/</link>"
                f"<wp:post_id>{number}</wp:post_id><wp:post_type>post</wp:post_type>"
                f"<wp:status>trash</wp:status><wp:post_name>article-{number}</wp:post_name>"
                f"<wp:comment><wp:comment_id>{number}</wp:comment_id>"
                "<wp:comment_author><![CDATA[Lectrice fidèle]]></wp:comment_author>"
                "<wp:comment_content><![CDATA[Bravo.]]></wp:comment_content></wp:comment>"
                "</item>\n"
            )
        out.write("</channel></rss>\n")


def peak_memory(path, report):
    tracemalloc.start()
    try:
        call_command("import_wordpress", str(path), "--report", str(report), stdout=_Sink())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


@pytest.mark.django_db
def test_memory_does_not_grow_with_the_number_of_items(importer_user, tmp_path):
    small, large = tmp_path / "small.xml", tmp_path / "large.xml"
    write_export(small, 500)
    write_export(large, 4_000)
    # A first run warms up what every run loads once (translations, templates, modules).
    peak_memory(small, tmp_path / "warm-up.json")
    small_peak = peak_memory(small, tmp_path / "small.json")
    large_peak = peak_memory(large, tmp_path / "large.json")

    # 7,000 more lines of report: kept whole, they would take some 4 MB more.
    assert large_peak - small_peak < 500_000, (small_peak, large_peak)
    run = Import.objects.filter(file_name="large.xml").get()
    assert run.counts == {"post": {"skipped": 4_000}, "comment": {"skipped": 4_000}}
    assert run.problem_count == 8_000
    assert len(run.problems) == 100
    assert (tmp_path / "large.json").read_text().count('"outcome": "skipped"') == 8_000
