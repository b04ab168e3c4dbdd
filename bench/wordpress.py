"""The WordPress importer's benchmark: `make bench-import` (or `.venv/bin/python
bench/wordpress.py --help`).

It writes a WordPress export of 10,000 posts, 20,000 images and 100,000 comments (at --scale 1;
--scale 0.1 is a tenth of each), streamed to disk, with a copy of the old site's uploads folder
holding a small real JPEG for every image; then imports it with `import_wordpress --uploads`
into a fresh database (SQLite, and PostgreSQL with --postgres), in a process of its own under
production settings (debug off: Django keeps no query log). It prints the time, the items per
second and the importing process's memory, sampled from /proc while it runs: the peak, and the
resident size at each tenth of the run, which must stay flat whatever the size of the file.
Results are saved to bench/results/ (not committed).
"""

import argparse
import io
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable
SITE = "https://ancien-journal.example"

POSTS, IMAGES, COMMENTS = 10_000, 20_000, 100_000

HEADER = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" \
xmlns:content="http://purl.org/rss/1.0/modules/content/" \
xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" \
xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>L'Ancien Journal</title>
<link>{SITE}</link>
<language>fr-FR</language>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>{SITE}</wp:base_site_url>
<wp:base_blog_url>{SITE}</wp:base_blog_url>
"""
WORDS = [
    "le",
    "conseil",
    "municipal",
    "a",
    "voté",
    "la",
    "rénovation",
    "du",
    "pont",
    "et",
    "de",
    "la",
    "halle",
    "du",
    "marché",
    ";",
    "les",
    "habitants",
    "de",
    "la",
    "vallée",
    "attendent",
    "les",
    "travaux",
    "depuis",
    "des",
    "années,",
    "et",
    "les",
    "commerçants",
    "aussi",
]


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def meta(key, value):
    return (
        f"<wp:postmeta><wp:meta_key>{key}</wp:meta_key>"
        f"<wp:meta_value>{cdata(str(value))}</wp:meta_value></wp:postmeta>"
    )


def sentence(rng, words=18):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def tiny_jpeg(number):
    """A real JPEG of 64×48 pixels, its colour drawn from its number."""
    from PIL import Image

    buffer = io.BytesIO()
    colour = (number * 37 % 256, number * 91 % 256, number * 53 % 256)
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def generate(folder, posts, images, comments, seed=19):
    """Write `folder`/export.xml and `folder`/uploads/; return the export's path and size."""
    rng = random.Random(seed)
    uploads = folder / "uploads"
    export = folder / "export.xml"
    authors = 20
    categories = 30
    start = datetime(2012, 1, 1, 8, tzinfo=UTC)
    image_number = 0
    comment_number = 0
    with export.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for author in range(1, authors + 1):
            out.write(
                f"<wp:author><wp:author_id>{author}</wp:author_id>"
                f"<wp:author_login>{cdata(f'auteur{author}')}</wp:author_login>"
                f"<wp:author_email>{cdata(f'auteur{author}@ancien-journal.example')}"
                f"</wp:author_email><wp:author_display_name>{cdata(f'Auteur {author}')}"
                "</wp:author_display_name></wp:author>\n"
            )
        for category in range(1, categories + 1):
            out.write(
                f"<wp:category><wp:term_id>{category}</wp:term_id><wp:category_nicename>"
                f"{cdata(f'rubrique-{category}')}</wp:category_nicename><wp:category_parent>"
                f"{cdata('')}</wp:category_parent><wp:cat_name>{cdata(f'Rubrique {category}')}"
                "</wp:cat_name></wp:category>\n"
            )
        for number in range(1, posts + 1):
            post_id = number * 10
            date = start + timedelta(hours=number * 7)
            gmt = date.strftime("%Y-%m-%d %H:%M:%S")
            slug = f"article-{number}"
            link = f"{SITE}/{date:%Y/%m/%d}/{slug}/"
            # This post's images: the first is its featured image, the others are in its text.
            mine = images * number // posts - images * (number - 1) // posts
            attachments = []
            for _ in range(mine):
                image_number += 1
                path = f"{date:%Y/%m}/photo-{image_number}.jpg"
                target = uploads / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(tiny_jpeg(image_number))
                attachments.append((post_id + 1 + len(attachments), path))
            body = [f"<p>{sentence(rng)}</p>"]
            for attachment_id, path in attachments[1:]:
                body.append(
                    f'[caption id="attachment_{attachment_id}" width="64"]<img '
                    f'class="wp-image-{attachment_id}" src="{SITE}/wp-content/uploads/{path}" '
                    f'alt="Photo {attachment_id}" /> Légende {attachment_id}.[/caption]'
                )
            body.append(f"\n\n{sentence(rng, 40)}\n\n{sentence(rng, 30)}")
            out.write(
                f"<item><title>{escape(f'Article {number} : ' + sentence(rng, 6))}</title>"
                f"<link>{link}</link><dc:creator>{cdata(f'auteur{number % authors + 1}')}"
                f"</dc:creator><content:encoded>{cdata(''.join(body))}</content:encoded>"
                f"<excerpt:encoded>{cdata(sentence(rng, 12))}</excerpt:encoded>"
                f"<wp:post_id>{post_id}</wp:post_id><wp:post_date_gmt>{gmt}</wp:post_date_gmt>"
                f"<wp:comment_status>open</wp:comment_status><wp:post_name>{slug}</wp:post_name>"
                "<wp:status>publish</wp:status><wp:post_parent>0</wp:post_parent>"
                "<wp:post_type>post</wp:post_type><wp:post_password></wp:post_password>"
                f'<category domain="category" nicename="rubrique-{number % categories + 1}">'
                f"{cdata(f'Rubrique {number % categories + 1}')}</category>"
            )
            if attachments:
                out.write(meta("_thumbnail_id", attachments[0][0]))
            out.write(meta("post_views_count", rng.randint(0, 50_000)))
            # This post's comments: one in three answers an earlier one.
            count = comments * number // posts - comments * (number - 1) // posts
            ids = []
            for index in range(count):
                comment_number += 1
                parent = rng.choice(ids) if ids and index % 3 == 2 else 0
                ids.append(comment_number)
                when = (date + timedelta(minutes=index * 13)).strftime("%Y-%m-%d %H:%M:%S")
                out.write(
                    f"<wp:comment><wp:comment_id>{comment_number}</wp:comment_id>"
                    f"<wp:comment_author>{cdata(f'Lecteur {comment_number % 500}')}"
                    "</wp:comment_author><wp:comment_author_email>"
                    f"lecteur{comment_number % 500}@example.org</wp:comment_author_email>"
                    f"<wp:comment_author_IP>192.0.2.{comment_number % 250 + 1}"
                    f"</wp:comment_author_IP><wp:comment_date_gmt>{when}</wp:comment_date_gmt>"
                    f"<wp:comment_content>{cdata(sentence(rng, 25))}</wp:comment_content>"
                    "<wp:comment_approved>1</wp:comment_approved><wp:comment_type>"
                    f"</wp:comment_type><wp:comment_parent>{parent}</wp:comment_parent>"
                    "<wp:comment_user_id>0</wp:comment_user_id></wp:comment>"
                )
            out.write("</item>\n")
            for attachment_id, path in attachments:
                out.write(
                    f"<item><title>photo-{attachment_id}</title>"
                    f"<link>{link}photo-{attachment_id}/</link>"
                    f"<dc:creator>{cdata('auteur1')}</dc:creator>"
                    f"<content:encoded>{cdata('')}</content:encoded>"
                    f"<excerpt:encoded>{cdata(f'Légende {attachment_id}.')}</excerpt:encoded>"
                    f"<wp:post_id>{attachment_id}</wp:post_id>"
                    f"<wp:post_date_gmt>{gmt}</wp:post_date_gmt>"
                    f"<wp:post_name>photo-{attachment_id}</wp:post_name>"
                    "<wp:status>inherit</wp:status>"
                    f"<wp:post_parent>{post_id}</wp:post_parent>"
                    "<wp:post_type>attachment</wp:post_type>"
                    f"<wp:attachment_url>{SITE}/wp-content/uploads/{path}</wp:attachment_url>"
                    + meta("_wp_attachment_image_alt", f"Photo {attachment_id}")
                    + "</item>\n"
                )
        out.write("</channel>\n</rss>\n")
    return export, image_number, comment_number


class MemorySampler(threading.Thread):
    """Samples a process's resident memory from /proc every `every` seconds."""

    def __init__(self, pid, every=0.5):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.samples = []  # (seconds since start, MiB)
        self.stopped = threading.Event()

    def run(self):
        started = time.monotonic()
        while not self.stopped.wait(self.every):
            try:
                status = Path(f"/proc/{self.pid}/status").read_text()
            except OSError:
                return
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    kib = int(line.split()[1])
                    self.samples.append((time.monotonic() - started, kib / 1024))

    def by_tenth(self):
        """The resident size at each tenth of the run (MiB)."""
        if not self.samples:
            return []
        end = self.samples[-1][0]
        marks = []
        for tenth in range(1, 11):
            moment = end * tenth / 10
            marks.append(round(min(self.samples, key=lambda sample: abs(sample[0] - moment))[1], 1))
        return marks


def run(command, env, **options):
    return subprocess.run(command, env=env, cwd=ROOT, check=True, **options)  # noqa: S603


def database_env(folder, database):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings.base",
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-" + "x" * 40,
        "ALLOWED_HOSTS": "localhost",
        "MEDIA_ROOT": str(folder / "media"),
        "CACHE_DIR": str(folder / "cache"),
        "LOG_LEVEL": "WARNING",
    }
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{folder / 'db.sqlite3'}"
    else:
        env["DATABASE_URL"] = os.environ.get(
            "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/newsroom_wpbench"
        )
        env.pop("REDIS_URL", None)
    return env


def fresh_postgres(url):
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def import_into(folder, export, database):
    env = database_env(folder, database)
    if database == "postgres":
        fresh_postgres(env["DATABASE_URL"])
    run([PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], env)
    run(
        [
            PYTHON,
            "manage.py",
            "createsuperuser",
            "--no-input",
            "--username",
            "admin",
            "--email",
            "admin@example.org",
        ],
        {**env, "DJANGO_SUPERUSER_PASSWORD": "x" * 12},
        stdout=subprocess.DEVNULL,
    )
    report = folder / f"report-{database}.json"
    command = [
        PYTHON,
        "manage.py",
        "import_wordpress",
        str(export),
        "--uploads",
        str(folder / "uploads"),
        "--no-download",
        "--report",
        str(report),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    process = subprocess.Popen(  # noqa: S603 (our own command)
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    sampler = MemorySampler(process.pid)
    sampler.start()
    output, _ = process.communicate()
    seconds = time.monotonic() - started
    sampler.stopped.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if process.returncode:
        raise SystemExit(f"import_wordpress failed ({process.returncode}):\n{output}")
    entries = json.loads(report.read_text())
    counts = {}
    for entry in entries:
        outcomes = counts.setdefault(entry["kind"], {})
        outcomes[entry["outcome"]] = outcomes.get(entry["outcome"], 0) + 1
    return {
        "database": database,
        "seconds": round(seconds, 1),
        "items": len(entries),
        "items_per_second": round(len(entries) / seconds, 1),
        # The machine is shared: the processor time the import used is steadier than the clock.
        "cpu_seconds": round(cpu, 1),
        "peak_rss_mib": round(max((mib for _t, mib in sampler.samples), default=0), 1),
        # The largest any child process reached (migrate included), for comparison.
        "peak_rss_children_mib": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        ),
        "rss_by_tenth_mib": sampler.by_tenth(),
        "counts": counts,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = 10k posts (default)")
    parser.add_argument("--postgres", action="store_true", help="also import into PostgreSQL")
    parser.add_argument("--keep", action="store_true", help="keep the generated folder")
    args = parser.parse_args()
    posts = max(1, round(POSTS * args.scale))
    images = round(IMAGES * args.scale)
    comments = round(COMMENTS * args.scale)
    folder = Path(tempfile.mkdtemp(prefix="newsroom-wp-bench-"))
    try:
        started = time.monotonic()
        export, images, comments = generate(folder, posts, images, comments)
        size = export.stat().st_size
        print(
            f"Export: {posts:,} posts, {images:,} images, {comments:,} comments, "
            f"{size / 1e6:.1f} MB, written in {time.monotonic() - started:.0f} s ({folder})"
        )
        results = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "scale": args.scale,
            "posts": posts,
            "images": images,
            "comments": comments,
            "export_mb": round(size / 1e6, 1),
            "cpus": os.cpu_count(),
            "runs": [],
        }
        for database in ["sqlite", *(["postgres"] if args.postgres else [])]:
            result = import_into(folder, export, database)
            results["runs"].append(result)
            print(
                f"{database:>8}: {result['seconds']:,.0f} s, {result['items']:,} items "
                f"({result['items_per_second']:,.0f}/s; {result['cpu_seconds']:,.0f} s of "
                f"processor), peak memory "
                f"{result['peak_rss_mib']:.0f} MiB; by tenths of the run: "
                + " ".join(f"{mib:.0f}" for mib in result["rss_by_tenth_mib"])
            )
            print(f"          {json.dumps(result['counts'], ensure_ascii=False)}")
        out = BENCH / "results" / f"wordpress-{datetime.now():%Y%m%d-%H%M%S}.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(results, indent=2))
        print(f"Saved to {out.relative_to(ROOT)}")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
