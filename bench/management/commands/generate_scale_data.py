"""Fill the database with a newsroom's worth of years: articles, tags, images and comments.

For the benchmark (bench/run.py) and for trying the site at scale, never for production data.
Rows are written with bulk inserts in batches, so 100,000 articles and 1,000,000 comments take
minutes. Besides the random archive it always adds three recent articles the benchmark reads by
slug: one without comments, one with exactly 50 approved comments, and one with
`--thread-comments` approved comments (10,000 by default).
"""

import datetime
import io
import random
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image, ImageDraw
from taggit.models import Tag, TaggedItem

from articles.fulltext import plain_text
from articles.models import Article, AuthorProfile, Section
from comments.models import Comment
from donations.models import DonationPrompt
from photos.models import Photo

#: The benchmark's articles, by slug.
EMPTY_ARTICLE_SLUG = "scale-article-0"
FIFTY_ARTICLE_SLUG = "scale-article-50"
THREAD_ARTICLE_SLUG = "scale-article-thread"

SECTIONS = [
    ("Politique", "politique"),
    ("Économie", "economie"),
    ("Société", "societe"),
    ("Culture", "culture"),
    ("Sports", "sports"),
    ("Environnement", "environnement"),
    ("Vallée", "vallee"),
    ("Opinions", "opinions"),
]
TAGS = [
    "élections", "budget", "école", "santé", "rivière", "agriculture", "transport", "logement",
    "festival", "musée", "football", "cyclisme", "météo", "forêt", "énergie", "commerce",
    "emploi", "mairie", "justice", "patrimoine", "tourisme", "eau", "vélo", "marché",
]  # fmt: skip
# Realistic moderation outcomes: most comments end up published.
STATUS_WEIGHTS = [
    (Comment.Status.APPROVED, 85),
    (Comment.Status.PENDING, 7),
    (Comment.Status.SPAM, 6),
    (Comment.Status.REJECTED, 2),
]
IMAGE_COLOURS = ["teal", "darkolivegreen", "steelblue", "sienna", "slategray"]
AUTHORS = 24
BATCH = 5000
COMMENT_COLUMNS = [
    "article", "name", "email", "text", "status", "created_at", "moderated_at",
    "spam_score", "spam_reasons", "user_agent", "parent", "thread", "depth", "by_newsroom",
    "notify_on_publish", "notify_on_reply", "language",
]  # fmt: skip
#: On the long-thread article, one comment in this many is a reply, nested as readers nest them.
REPLY_EVERY = 3

BODY = (
    "<p>Un premier paragraphe qui pose les faits, les lieux et les personnes.</p>"
    "<h2>Ce qui change</h2><p>Un deuxième paragraphe, plus long, qui explique ce "
    "qui change pour les lecteurs et cite ceux qui l'ont vécu.</p>"
    "<p>Un troisième paragraphe pour conclure.</p>"
)


def rich_body(photos):
    """A body with five photos, a gallery of three and two videos between its paragraphs."""
    paragraph = (
        "<p>Un paragraphe qui raconte ce qui s'est passé, avec des faits, des lieux et ceux "
        "qui l'ont vécu.</p>"
    )
    figures = [f'<figure data-photo="{photo.pk}" data-width="text"></figure>' for photo in photos]
    gallery = ",".join(str(photo.pk) for photo in photos[:3])
    return "".join(
        [
            paragraph,
            *[paragraph + figure for figure in figures[:5]],
            f'<figure data-gallery="{gallery}"></figure>',
            paragraph,
            '<figure data-embed="youtube" data-embed-id="dQw4w9WgXcQ" '
            'data-embed-title="Le conseil municipal en vidéo"></figure>',
            paragraph,
            '<figure data-embed="vimeo" data-embed-id="76979871" '
            'data-embed-title="La vallée vue du ciel"></figure>',
            '<figure data-pullquote="" data-quote="Deux ans, c\'est long." '
            'data-source="Une commerçante"></figure>',
            paragraph,
        ]
    )


def bulk_insert(model, fields, rows):
    """Insert plain tuples of `fields`, much faster than bulk_create for millions of rows: COPY on
    PostgreSQL, one prepared INSERT run over every row elsewhere. Values must be ready for the
    database (JSON as text); aware datetimes are adapted here."""
    meta = model._meta
    columns = [meta.get_field(name).column for name in fields]
    datetimes = [
        i
        for i, name in enumerate(fields)
        if meta.get_field(name).get_internal_type() == "DateTimeField"
    ]
    quote = connection.ops.quote_name
    target = f"{quote(meta.db_table)} ({', '.join(quote(column) for column in columns)})"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        adapt = connection.ops.adapt_datetimefield_value
        if datetimes:
            rows = [
                tuple(adapt(v) if i in datetimes else v for i, v in enumerate(row)) for row in rows
            ]
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {target} VALUES ({placeholders})", rows)  # noqa: S608


class Command(BaseCommand):
    help = (
        "Generate N articles (sections, tags, authors, images) and M comments with realistic "
        "statuses, with bulk inserts. For benchmarks only: it adds to whatever is there."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=1000)
        parser.add_argument("--comments", type=int, default=10000)
        parser.add_argument(
            "--thread-comments",
            type=int,
            default=10000,
            help="Approved comments on the one long-thread article (the constant-queries check).",
        )
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, **options):
        if options["articles"] < 0 or options["comments"] < 0 or options["thread_comments"] < 0:
            raise CommandError("Counts cannot be negative.")
        if options["comments"] and not options["articles"]:
            raise CommandError("Comments need articles: give --articles too.")
        if Article.objects.filter(slug=FIFTY_ARTICLE_SLUG).exists():
            raise CommandError(
                "This database already holds generated data: start from a fresh one."
            )
        self.rng = random.Random(options["seed"])
        self.now = timezone.now()
        started = time.monotonic()
        if connection.vendor == "sqlite":
            # This connection only: a 256 MB page cache keeps the comment indexes in memory
            # while a million rows go in at random places.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")

        with transaction.atomic():
            sections = self.make_sections()
            authors = self.make_authors()
            tags = self.make_tags()
        images = self.make_images()
        article_ids = self.make_articles(options["articles"], sections, authors, tags, images)
        fixed = self.make_fixed_articles(sections, authors, images)
        self.make_comments(options["comments"], article_ids)
        self.make_thread(fixed[FIFTY_ARTICLE_SLUG], 50)
        self.make_thread(fixed[THREAD_ARTICLE_SLUG], options["thread_comments"])
        self.make_prompt()
        # Fresh statistics, as after any bulk load: without them PostgreSQL plans the home page's
        # "latest 12" as a sort of every article. On PostgreSQL, VACUUM also marks the pages
        # all-visible, as autovacuum does soon after a real import, so that counts read the
        # indexes alone instead of visiting every row.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {options['articles'] + len(fixed)} articles and "
                f"{options['comments'] + 50 + options['thread_comments']} comments "
                f"in {elapsed:.1f} s."
            )
        )

    # --- Reference data --------------------------------------------------------------------------

    def make_sections(self):
        for order, (name, slug) in enumerate(SECTIONS):
            Section.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})
        return list(Section.objects.filter(slug__in=[slug for _name, slug in SECTIONS]))

    def make_authors(self):
        users = get_user_model()
        password = make_password(None)  # unusable: these accounts never log in
        existing = set(
            users.objects.filter(username__startswith="scale-author-").values_list(
                "username", flat=True
            )
        )
        users.objects.bulk_create(
            [
                users(
                    username=f"scale-author-{n}",
                    first_name=f"Prénom{n}",
                    last_name=f"Auteur{n}",
                    email=f"scale-author-{n}@example.org",
                    is_staff=True,
                    password=password,
                )
                for n in range(AUTHORS)
                if f"scale-author-{n}" not in existing
            ]
        )
        authors = list(users.objects.filter(username__startswith="scale-author-"))
        AuthorProfile.objects.bulk_create(
            [AuthorProfile(user=user, job_title="Journaliste") for user in authors],
            ignore_conflicts=True,
        )
        return authors

    def make_tags(self):
        for name in TAGS:
            Tag.objects.get_or_create(name=name, defaults={"slug": name})
        return list(Tag.objects.filter(name__in=TAGS))

    def make_images(self):
        """A handful of real JPEGs in the photo library, shared by every illustrated article."""
        folder = Path(settings.MEDIA_ROOT) / "photos" / "scale"
        folder.mkdir(parents=True, exist_ok=True)
        photos = []
        for n, colour in enumerate(IMAGE_COLOURS):
            width, height = 1600, 900 if n % 2 == 0 else 1067
            path = folder / f"scale-{n}.jpg"
            if not path.exists():
                image = Image.new("RGB", (width, height), colour)
                ImageDraw.Draw(image).rectangle([width // 4, height // 4, width // 2, height // 2])
                buffer = io.BytesIO()
                image.save(buffer, "JPEG", quality=80)
                path.write_bytes(buffer.getvalue())
            photo, _created = Photo.objects.get_or_create(
                image=f"photos/scale/{path.name}",
                defaults={
                    "width": width,
                    "height": height,
                    "alt_text": "Une vue de la vallée",
                    "credit": "Rédaction",
                },
            )
            photos.append(photo)
        return photos

    # --- Articles --------------------------------------------------------------------------------

    def article(self, n, *, slug, section, author, images, published_at, status):
        image = self.rng.choice(images) if self.rng.random() < 0.7 else None
        return Article(
            title=f"Article d'archive numéro {n} sur la vie de la vallée",
            slug=slug,
            standfirst=(
                f"Ce que l'on sait de l'affaire {n}, et ce qu'il reste à comprendre "
                "pour les habitants de la vallée."
            ),
            # Already what the sanitiser keeps, and its words: bulk inserts skip save().
            body=BODY,
            body_text=plain_text(BODY),
            photo=image,
            section=section,
            author=author,
            status=status,
            published_at=published_at,
            view_count=self.rng.randint(0, 5000),
        )

    def make_articles(self, count, sections, authors, tags, images):
        """`count` articles over the last five years, a few of them drafts; returns
        [(id, published_at)] of the published ones."""
        content_type = ContentType.objects.get_for_model(Article)
        span = datetime.timedelta(days=5 * 365).total_seconds()
        done = 0
        batch_started = time.monotonic()
        while done < count:
            size = min(BATCH, count - done)
            articles = []
            for n in range(done, done + size):
                draft = self.rng.random() < 0.03
                articles.append(
                    self.article(
                        n,
                        slug=f"scale-{n}",
                        section=self.rng.choice(sections),
                        author=self.rng.choice(authors),
                        images=images,
                        # Older than a day, so the benchmark's own articles lead the home page.
                        published_at=None
                        if draft
                        else self.now
                        - datetime.timedelta(days=1, seconds=self.rng.uniform(0, span)),
                        status=Article.Status.DRAFT if draft else Article.Status.PUBLISHED,
                    )
                )
            with transaction.atomic():
                created = Article.objects.bulk_create(articles)
                bulk_insert(
                    TaggedItem,
                    ["content_type", "object_id", "tag"],
                    [
                        (content_type.pk, article.pk, tag.pk)
                        for article in created
                        for tag in self.rng.sample(tags, self.rng.randint(0, 3))
                    ],
                )
            done += size
            self.progress("articles", done, count, batch_started)
        return list(
            Article.objects.published()
            .filter(slug__startswith="scale-")
            .exclude(slug__startswith="scale-article-")
            .values_list("pk", "published_at")
        )

    def make_fixed_articles(self, sections, authors, images):
        """The three articles the benchmark reads, published an hour ago (comments still open)."""
        fixed = {}
        for n, slug in enumerate([EMPTY_ARTICLE_SLUG, FIFTY_ARTICLE_SLUG, THREAD_ARTICLE_SLUG]):
            article = self.article(
                -1 - n,
                slug=slug,
                section=sections[0],
                author=authors[0],
                images=images[:1],
                published_at=self.now - datetime.timedelta(hours=1, minutes=n),
                status=Article.Status.PUBLISHED,
            )
            article.title = f"L'article du banc d'essai ({slug})"
            if slug == FIFTY_ARTICLE_SLUG:
                # The measured article carries what rich articles carry.
                article.body = rich_body(images)
            article.save()
            fixed[slug] = article
        return fixed

    # --- Comments --------------------------------------------------------------------------------

    def comment_pool(self):
        if not hasattr(self, "_pool"):
            self._pool = [
                (
                    f"Lectrice {n}" if n % 2 else f"Lecteur {n}",
                    f"Merci pour cet article. Remarque numéro {n} : la situation décrite ici "
                    "ressemble à ce que vit notre quartier depuis des mois.",
                )
                for n in range(500)
            ]
            statuses, weights = zip(*STATUS_WEIGHTS, strict=True)
            self._statuses, self._weights = statuses, weights
        return self._pool

    def comment_rows(self, pairs, *, status=None):
        """Rows of COMMENT_COLUMNS for [(article_id, published_at)], statuses drawn unless given."""
        pool = self.comment_pool()
        statuses = (
            [status] * len(pairs)
            if status
            else self.rng.choices(self._statuses, weights=self._weights, k=len(pairs))
        )
        uniform, choice, minutes = self.rng.uniform, self.rng.choice, datetime.timedelta(minutes=30)
        rows = []
        for (article_id, published_at), chosen in zip(pairs, statuses, strict=True):
            name, text = choice(pool)
            age = max((self.now - published_at).total_seconds(), 60)
            created = published_at + datetime.timedelta(seconds=uniform(0, age))
            moderated = None if chosen == Comment.Status.PENDING else created + minutes
            rows.append(
                (
                    article_id,
                    name,
                    "lecteur@example.org",
                    text,
                    chosen,
                    created,
                    moderated,
                    0,
                    "[]",
                    "",
                    None,
                    None,
                    0,
                    False,
                    False,
                    False,
                    "fr",
                )
            )
        return rows

    def make_comments(self, count, article_ids):
        if not count:
            return
        if not article_ids:
            raise CommandError("No published article to comment on.")
        done = 0
        started = time.monotonic()
        while done < count:
            size = min(BATCH * 2, count - done)
            # In article order, so each batch touches the indexes in one sweep.
            pairs = sorted(self.rng.choice(article_ids) for _ in range(size))
            with transaction.atomic():
                bulk_insert(Comment, COMMENT_COLUMNS, self.comment_rows(pairs))
            done += size
            self.progress("comments", done, count, started)

    def make_thread(self, article, count):
        """`count` approved comments on `article`, one in REPLY_EVERY of them a reply (to a
        comment on the article, or a level further down), so that the page measured carries
        nested threads."""
        replies = count // REPLY_EVERY
        starts = count - replies
        pairs = [(article.pk, article.published_at)] * starts
        for start in range(0, starts, BATCH * 2):
            with transaction.atomic():
                rows = self.comment_rows(pairs[start : start + BATCH * 2], status="approved")
                bulk_insert(Comment, COMMENT_COLUMNS, rows)
        if replies:
            first_ids = list(
                Comment.objects.filter(article=article, depth=0)
                .order_by("pk")
                .values_list("pk", flat=True)[:replies]
            )
            # Half answer a comment on the article; the other half answer those answers.
            level_one = replies - replies // 2
            self.insert_replies(article, [(pk, pk, 1) for pk in first_ids[:level_one]])
            answered = list(
                Comment.objects.filter(article=article, depth=1)
                .order_by("pk")
                .values_list("pk", "thread_id")[: replies // 2]
            )
            self.insert_replies(article, [(pk, thread, 2) for pk, thread in answered])
        self.stdout.write(
            f"  {count} approved comments on {article.slug}, {replies} of them replies"
        )

    def insert_replies(self, article, places):
        """Approved replies on `article`, one per (parent id, thread id, depth)."""
        pairs = [(article.pk, article.published_at)] * len(places)
        for start in range(0, len(places), BATCH * 2):
            batch = places[start : start + BATCH * 2]
            rows = self.comment_rows(pairs[start : start + len(batch)], status="approved")
            with transaction.atomic():
                bulk_insert(
                    Comment,
                    COMMENT_COLUMNS,
                    [
                        (*row[:10], parent, thread, depth, *row[13:])
                        for row, (parent, thread, depth) in zip(rows, batch, strict=True)
                    ],
                )

    def make_prompt(self):
        """A newsroom asks for support: one active prompt for every section, as most run."""
        if not DonationPrompt.objects.active().exists():
            DonationPrompt.objects.create(
                name="Appel permanent",
                message="Soutenez une rédaction indépendante à partir de {minimum}.",
                destination_url="https://dons.example.org/",
            )

    def progress(self, what, done, total, started):
        elapsed = time.monotonic() - started
        rate = done / elapsed if elapsed else 0
        self.stdout.write(f"  {what}: {done:>9,} / {total:,}  ({elapsed:5.1f} s, {rate:,.0f}/s)")
