import re

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import Truncator
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from articles import caching
from articles.models import byline_for


def listing_version_key(article_id):
    return f"comments:listing-version:{article_id}"


def forget_listing(article_id):
    """Every cached rendering of the article's comments becomes unreachable at once."""
    caching.replace_version(listing_version_key(article_id))


def keyed_hash(purpose, value, *, secret=None):
    """A hash of `value` keyed with SECRET_KEY (and `purpose`): it matches the same value again,
    and tells nothing to whoever reads the database without the key."""
    return salted_hmac(f"comments.{purpose}", value, secret=secret, algorithm="sha256").hexdigest()


def address_hash(email, *, secret=None):
    """The keyed hash of a normalised email address, as opt-outs store it."""
    return keyed_hash("address", (email or "").strip().lower(), secret=secret)


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """What readers see under an article."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        """The moderation queue."""
        return self.filter(status=Comment.Status.PENDING)

    def rejected(self):
        return self.filter(status=Comment.Status.REJECTED)

    def spam(self):
        return self.filter(status=Comment.Status.SPAM)

    def reported(self):
        """Comments with reports no moderator has dismissed yet, published or taken down."""
        return self.filter(
            Exists(CommentReport.objects.undismissed().filter(comment=OuterRef("pk")))
        )

    def for_article(self, article):
        return self.filter(article=article)

    def threads(self):
        """The conversations readers see, each started by a comment on the article: counts and
        pages are counted in these. A thread whose first comment is no longer public still
        shows, as a placeholder, while it has approved replies."""
        answered = Comment.objects.approved().filter(thread=OuterRef("pk"))
        return self.filter(depth=0).filter(Q(status=Comment.Status.APPROVED) | Exists(answered))

    def replies_in(self, threads):
        """The approved replies of `threads` (a queryset of thread starts, sliced or not), read
        in one query from the index of threads."""
        return self.approved().filter(thread__in=threads.values("pk"))

    def answerable_on(self, article):
        """The comments a reply on `article` may answer: its published ones."""
        return self.approved().for_article(article)

    def by_email(self, email):
        """Everything one commenter left, for a privacy-law request. Empty emails match nothing."""
        if not email or not email.strip():
            return self.none()
        return self.filter(email__iexact=email.strip())

    def from_ip_since(self, ip_address, since):
        return self.filter(ip_address=ip_address, created_at__gte=since)

    def with_request_data_before(self, moment):
        """Comments that still hold an IP address or a user agent and are older than `moment`."""
        return self.filter(created_at__lt=moment).filter(
            Q(ip_address__isnull=False) | ~Q(user_agent="")
        )

    def purge_request_data(self):
        """Forget IP addresses and user agents; returns how many comments were touched."""
        return self.update(ip_address=None, user_agent="")

    def listing_version(self, article_id):
        """A token that changes whenever one of the article's comments changes: it names the
        cached rendering of the article's approved comments."""
        return caching.version(listing_version_key(article_id))

    def counts_by_article(self, articles):
        """Comment counts for a list of articles, in threads as their pages count them:
        {article_id: count}.

        Each count is cached under its article's listing version, which any change to the
        article's comments replaces; the articles missing from the cache are counted in one
        query. A busy thread on the front page is not counted again on every visit.
        """
        ids = [article.pk for article in articles]
        if not ids:
            return {}
        versions = caching.versions([listing_version_key(pk) for pk in ids])
        keys = {pk: f"comments:count:{pk}:{versions[listing_version_key(pk)]}" for pk in ids}
        cached = cache.get_many(list(keys.values()))
        counts = {pk: cached[key] for pk, key in keys.items() if key in cached}
        missing = [pk for pk in ids if pk not in counts]
        if missing:
            rows = (
                self.threads()
                .filter(article_id__in=missing)
                .order_by()
                .values("article_id")
                .annotate(total=Count("pk"))
            )
            found = {row["article_id"]: row["total"] for row in rows}
            fresh = {pk: found.get(pk, 0) for pk in missing}
            counts.update(fresh)
            # Only under a version read before counting: a change meanwhile replaced it.
            cache.set_many({keys[pk]: count for pk, count in fresh.items()})
        return {pk: count for pk, count in counts.items() if count}

    def waiting_by_article(self, limit):
        """The `limit` articles with the most comments waiting: [(article_id, waiting)]. Read
        from the index of pending comments alone."""
        rows = (
            self.pending()
            .order_by()
            .values("article_id")
            .annotate(waiting=Count("*"))
            .order_by("-waiting", "article_id")[:limit]
        )
        return [(row["article_id"], row["waiting"]) for row in rows]


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SPAM = "spam", _("Spam")
        # Erased at its author's request while it had replies: the row stays, without anything
        # of its author or text, so that the replies keep their place in the thread.
        REMOVED = "removed", _("Removed")

    #: Threads nest three levels deep: 0 a comment on the article, 1 a reply, 2 a reply to a
    #: reply. An answer to a comment at the last level joins that level.
    MAX_DEPTH = 2

    article = models.ForeignKey(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("article"),
    )
    name = models.CharField(_("name"), max_length=80)
    email = models.EmailField(_("email"), blank=True, help_text=_("Never shown publicly."))
    text = models.TextField(_("comment"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("posted"), default=timezone.now)

    # Replies: the comment answered, and the comment on the article that starts the thread
    # (empty for that comment itself), so that a page of threads loads in two queries.
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("in reply to"),
    )
    thread = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thread"),
    )
    depth = models.PositiveSmallIntegerField(_("depth"), default=0)
    # The newsroom's answers: written by a member of staff, published at once, badged. The
    # badge stays if the account goes.
    by_newsroom = models.BooleanField(_("the newsroom's answer"), default=False)
    staff_author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comment_answers",
        verbose_name=_("answered by"),
    )

    # Opt-in emails to the commenter, in the language they wrote in.
    notify_on_publish = models.BooleanField(_("tell me when it is published"), default=False)
    notify_on_reply = models.BooleanField(_("tell me when someone answers"), default=False)
    language = models.CharField(_("language"), max_length=10, blank=True)

    # A moderator who leaves keeps their decisions on record, without a name.
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderated_comments",
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    # When readers' reports took it off the page (back to pending), for the record.
    taken_down_at = models.DateTimeField(_("taken down by reports"), null=True, blank=True)

    spam_score = models.PositiveSmallIntegerField(_("spam score"), default=0)
    # A list of {"rule": <code>, "detail": <word, count…>}, so a moderator sees why it was held.
    spam_reasons = models.JSONField(_("reasons"), default=list, blank=True)

    # Kept for abuse handling only, and purged after a while (see purge_comment_data).
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [
            ("export_comment", _("Can export and erase a commenter's data")),
            ("answer_comment", _("Can answer readers as the newsroom")),
        ]
        indexes = [
            # The article page: approved comments of one article, oldest first.
            models.Index(
                fields=["article", "status", "created_at"], name="comment_article_status_idx"
            ),
            # The moderation queue: pending first, oldest first.
            models.Index(fields=["status", "created_at"], name="comment_status_created_idx"),
            # The queue's article filter: comments waiting, by article, from the index alone.
            # Not a partial index: SQLite cannot tell that a query's bound parameter matches
            # the index's condition, and would never use it.
            models.Index(fields=["status", "article"], name="comment_status_article_idx"),
            # The queue's "all" view, oldest first.
            models.Index(fields=["created_at", "id"], name="comment_created_idx"),
            # The per-IP rate limit.
            models.Index(fields=["ip_address", "created_at"], name="comment_ip_created_idx"),
            # Privacy requests and known commenters.
            models.Index(fields=["email"], name="comment_email_idx"),
            # The replies of a page of threads, oldest first.
            models.Index(fields=["thread", "status", "created_at"], name="comment_thread_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected", "spam", "removed"]),
                name="comment_status_valid",
            ),
            models.CheckConstraint(condition=Q(depth__lte=2), name="comment_depth_at_most_two"),
            # A comment on the article has no parent and no thread; a reply has both.
            models.CheckConstraint(
                condition=(Q(depth=0) & Q(parent__isnull=True) & Q(thread__isnull=True))
                | (Q(depth__gt=0) & Q(parent__isnull=False) & Q(thread__isnull=False)),
                name="comment_reply_has_parent_and_thread",
            ),
        ]

    def __str__(self):
        return f"{self.name}: {Truncator(self.text).chars(40)}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"

    @property
    def excerpt(self):
        return Truncator(self.text).chars(120)

    @property
    def is_public(self):
        return self.status == self.Status.APPROVED

    #: The status the comment had in the database after it was last read or saved (see
    #: signals): tells a save that publishes it from one that does not. None when unknown.
    _saved_status = None

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._saved_status = instance.__dict__.get("status")
        return instance

    def became_public(self, *, created):
        """Whether the save just made published the comment for the first time: a new approved
        comment, or a moderator's approval. Putting back a comment that reports took down is
        not a first publication."""
        if self.status != self.Status.APPROVED or self.taken_down_at:
            return False
        return created or self._saved_status not in (None, self.Status.APPROVED)

    # Replies: where they go and who may write them.

    def accepts_replies(self, *, policy=None):
        """Readers and staff answer published comments only, while the article takes comments."""
        policy = policy or ModerationPolicy.load()
        return self.is_public and not policy.comments_closed(self.article)

    def place_reply(self, reply):
        """Put `reply`, an answer to this comment, in its thread: one level below, or beside
        this comment when it is already at the last level."""
        reply.article_id = self.article_id
        if self.depth >= self.MAX_DEPTH:
            reply.parent_id, reply.thread_id = self.parent_id, self.thread_id
            reply.depth = self.depth
        else:
            reply.parent, reply.thread_id = self, self.thread_id or self.pk
            reply.depth = self.depth + 1
        return reply

    def answer(self, text, *, by):
        """The newsroom's answer to this comment, written by staff member `by`: signed with
        their byline, badged, published at once (PermissionDenied for anyone else)."""
        if not by.has_perm("comments.answer_comment"):
            raise PermissionDenied(_("Only the newsroom's staff answer readers as the newsroom."))
        if not self.accepts_replies():
            raise ValidationError(
                _("This comment cannot be answered: it is not published or comments are closed."),
                code="not_answerable",
            )
        now = timezone.now()
        reply = Comment(
            name=Truncator(byline_for(by)).chars(self._meta.get_field("name").max_length),
            text=text,
            status=self.Status.APPROVED,
            by_newsroom=True,
            staff_author=by,
            moderated_by=by,
            moderated_at=now,
            created_at=now,
            language=get_language() or "",
        )
        self.place_reply(reply)
        reply.save()
        return reply

    def erase(self):
        """Forget its author at their request. A comment that has replies stays as an empty,
        removed row, so that the replies keep their place; any other is deleted."""
        if not self.replies.exists():
            self.delete()
            return
        self.name = self.email = self.text = self.user_agent = self.language = ""
        self.ip_address = None
        self.status = self.Status.REMOVED
        self.notify_on_publish = self.notify_on_reply = False
        self.save()

    # State changes: the admin's per-row buttons, its bulk actions, its change form, the demo and
    # the commands all call these.

    def moderate(self, status, *, by):
        """Decide on the comment as moderator `by`, recording who and when; refused with
        PermissionDenied for anyone who may not moderate."""
        if not by.has_perm("comments.change_comment"):
            raise PermissionDenied(_("Only moderators decide which comments are published."))
        self.status = status
        self.moderated_by = by
        self.moderated_at = timezone.now()
        with transaction.atomic():
            self.save(update_fields=["status", "moderated_by", "moderated_at"])
            if status == self.Status.APPROVED:
                # Published by a moderator who read it: its reports are answered.
                self.reports.undismissed().dismiss(by=by, at=self.moderated_at)

    def approve(self, *, by):
        self.moderate(self.Status.APPROVED, by=by)

    def reject(self, *, by):
        self.moderate(self.Status.REJECTED, by=by)

    def mark_spam(self, *, by):
        self.moderate(self.Status.SPAM, by=by)

    def reasons_display(self):
        """The reasons it was held, in words a moderator reads at a glance."""
        return [describe_reason(reason) for reason in self.spam_reasons or []]

    # Readers' reports.

    def report(self, *, reason, reporter, note="", ip_address=None, policy=None):
        """Record reader `reporter`'s report (a keyed hash, see CommentReport) and return it.

        The comment's row is locked while its reports are counted, so that simultaneous reports
        are counted exactly: at the policy's threshold of undismissed reports, the comment
        leaves the page and waits for a moderator again. Raises CommentReport.AlreadyReported
        when this reader already reported it, a race between their two requests included."""
        policy = policy or ModerationPolicy.load()
        try:
            with transaction.atomic():
                locked = Comment.objects.select_for_update().get(pk=self.pk)
                if locked.reports.filter(reporter=reporter).exists():
                    raise CommentReport.AlreadyReported
                report = locked.reports.create(
                    reason=reason, note=note, reporter=reporter, ip_address=ip_address
                )
                if locked.is_public:
                    open_reports = locked.reports.undismissed()
                    if policy.takedown_due(open_reports):
                        locked.take_down(reports=open_reports.count())
        except IntegrityError as error:
            raise CommentReport.AlreadyReported from error
        self.status, self.taken_down_at = locked.status, locked.taken_down_at
        self.spam_reasons = locked.spam_reasons
        return report

    def take_down(self, *, reports):
        """Readers' reports take the comment off the page: it waits for a moderator again,
        with the number of reports among the reasons it is held. Called by report()."""
        self.status = self.Status.PENDING
        self.taken_down_at = timezone.now()
        held = {"rule": "reports", "detail": str(reports)}
        self.spam_reasons = [*(self.spam_reasons or []), held]
        self.save(update_fields=["status", "taken_down_at", "spam_reasons"])

    def dismiss_reports(self, *, by):
        """Moderator `by` answers the comment's reports: they stay on record, dismissed, and
        never count towards taking it down again. Returns how many were dismissed."""
        if not by.has_perm("comments.change_comment"):
            raise PermissionDenied(_("Only moderators dismiss reports."))
        return self.reports.undismissed().dismiss(by=by)


def describe_reason(reason):
    rule, detail = reason.get("rule", ""), reason.get("detail", "")
    labels = {
        "honeypot": _("honeypot field filled"),
        "too_fast": _("sent too fast (%(detail)s s)"),
        "no_timestamp": _("form timestamp missing or forged"),
        "disallowed_word": _("disallowed word: %(detail)s"),
        "moderation_word": _("moderation word: %(detail)s"),
        "links": None,
        "held": _("every comment waits for a moderator"),
    }
    if rule == "links":
        count = int(detail or 0)
        return ngettext("%(count)d link", "%(count)d links", count) % {"count": count}
    if rule == "reports":
        count = int(detail or 0)
        return ngettext(
            "taken down after %(count)d report", "taken down after %(count)d reports", count
        ) % {"count": count}
    label = labels.get(rule)
    if label is None:
        return rule
    return label % {"detail": detail} if "%(detail)s" in str(label) else str(label)


LINK_RE = re.compile(r"(https?://|www\.)", re.IGNORECASE)


def words_from(text):
    """A policy word list: one word or phrase per line (commas work too), lower-cased."""
    return [w.strip().lower() for w in re.split(r"[\n,]", text or "") if w.strip()]


class CommentReportQuerySet(models.QuerySet):
    def undismissed(self):
        """The reports that count towards taking a comment down."""
        return self.filter(dismissed_at__isnull=True)

    def dismiss(self, *, by, at=None):
        return self.update(dismissed_at=at or timezone.now(), dismissed_by=by)

    def from_ip_since(self, ip_address, since):
        return self.filter(ip_address=ip_address, created_at__gte=since)

    def with_request_data_before(self, moment):
        return self.filter(created_at__lt=moment, ip_address__isnull=False)

    def purge_request_data(self):
        """Forget the reporters' addresses; returns how many reports were touched."""
        return self.update(ip_address=None)


class CommentReport(models.Model):
    """A reader's report of a published comment. One per reader and comment: the reader is known
    only by a keyed hash of a random id their browser keeps, and by their address for abuse
    control, forgotten on the same schedule as commenters' addresses."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        ABUSE = "abuse", _("Abusive or hateful")
        OFF_TOPIC = "off_topic", _("Off topic")
        PERSONAL = "personal", _("Personal information")
        OTHER = "other", _("Other")

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports", verbose_name=_("comment")
    )
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    reporter = models.CharField(_("reporter"), max_length=64)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    # A moderator who dismisses a report keeps the comment up: dismissed reports never take it
    # down again.
    dismissed_at = models.DateTimeField(_("dismissed"), null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dismissed by"),
    )

    objects = CommentReportQuerySet.as_manager()

    class AlreadyReported(Exception):
        """This reader already reported this comment."""

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [
            # The per-address limit.
            models.Index(fields=["ip_address", "created_at"], name="report_ip_created_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="report_once_per_reader"),
            models.CheckConstraint(
                condition=Q(reason__in=["spam", "abuse", "off_topic", "personal", "other"]),
                name="report_reason_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.comment}"

    def get_absolute_url(self):
        return self.comment.get_absolute_url()

    @staticmethod
    def reporter_for(reader_id):
        """What a report keeps of the reader: a keyed hash of the random id their browser
        holds, which nobody can trace back to them or forge without the secret key."""
        return keyed_hash("reporter", reader_id)


class ModerationPolicy(models.Model):
    """The newsroom's moderation rules: one row, edited by staff in the admin."""

    hold_all = models.BooleanField(
        _("hold every comment for a moderator"),
        default=True,
        help_text=_("When off, a comment that breaks no rule is published at once."),
    )
    auto_approve_known = models.BooleanField(
        _("approve known commenters"),
        default=False,
        help_text=_(
            "Publish at once a comment that breaks no rule when its email address already has "
            "an approved comment. Anyone can type an address: keep it off if impersonation "
            "worries you."
        ),
    )
    max_links = models.PositiveSmallIntegerField(
        _("links before holding"),
        default=2,
        help_text=_(
            "A comment with at least this many links waits for a moderator. 0 turns the rule off."
        ),
    )
    moderation_words = models.TextField(
        _("moderation words"),
        blank=True,
        help_text=_("One word or phrase per line: a comment containing one waits for a moderator."),
    )
    disallowed_words = models.TextField(
        _("disallowed words"),
        blank=True,
        help_text=_("One word or phrase per line: a comment containing one goes to spam."),
    )
    use_honeypot = models.BooleanField(
        _("honeypot"),
        default=True,
        help_text=_(
            "A hidden field people never see: when a robot fills it, the comment goes to spam."
        ),
    )
    min_seconds_to_submit = models.PositiveSmallIntegerField(
        _("minimum typing time (seconds)"),
        default=5,
        help_text=_(
            "A comment sent faster than this after the form was shown goes to spam. 0 turns it off."
        ),
    )
    close_after_days = models.PositiveIntegerField(
        _("close comments after (days)"),
        default=90,
        help_text=_(
            "Comments close on articles published longer ago than this. 0 keeps them open."
        ),
    )
    rate_limit_count = models.PositiveSmallIntegerField(
        _("comments allowed per address"),
        default=5,
        help_text=_(
            "How many comments one IP address may send in the window below. 0 turns it off."
        ),
    )
    rate_limit_minutes = models.PositiveSmallIntegerField(
        _("rate limit window (minutes)"), default=10
    )
    report_threshold = models.PositiveSmallIntegerField(
        _("reports before taking down"),
        default=3,
        help_text=_(
            "A published comment with this many reports leaves the page and waits for a "
            "moderator again. 0 turns it off."
        ),
    )
    personal_report_threshold = models.PositiveSmallIntegerField(
        _("reports of personal information before taking down"),
        default=1,
        help_text=_("The same, for reports that a comment reveals personal information."),
    )
    reports_per_hour = models.PositiveSmallIntegerField(
        _("reports allowed per address and hour"),
        default=10,
        help_text=_("How many reports one IP address may send in an hour."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("moderation policy")
        verbose_name_plural = _("moderation policy")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="moderation_policy_singleton"),
        ]

    def __str__(self):
        return str(_("Moderation policy"))

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("admin:comments_moderationpolicy_change", args=[self.pk])

    CACHE_KEY = "comments:moderation-policy"

    @classmethod
    def load(cls):
        """The policy, from the cache: every article page reads it. Saving it drops the copy
        (see signals), so a change applies at once."""
        policy = cache.get(cls.CACHE_KEY)
        if policy is None:
            policy, _created = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, policy, timeout=60 * 60)
        return policy

    @classmethod
    def forget_cached(cls):
        cache.delete(cls.CACHE_KEY)

    # --- Rules -------------------------------------------------------------------------------

    def comments_closed(self, article, *, now=None):
        if not article.comments_open:
            return True
        if self.close_after_days and article.published_at:
            now = now or timezone.now()
            return article.published_at < now - timezone.timedelta(days=self.close_after_days)
        return False

    def closes_at(self, article):
        """When comments on `article` close by themselves, or None."""
        if not article.comments_open or not self.close_after_days or not article.published_at:
            return None
        return article.published_at + timezone.timedelta(days=self.close_after_days)

    def rate_limited(self, ip_address, *, now=None):
        """True when this address already sent its allowance. Counted in the database, so it is
        exact across workers and survives a cache outage."""
        if not self.rate_limit_count or not ip_address:
            return False
        since = (now or timezone.now()) - timezone.timedelta(minutes=self.rate_limit_minutes)
        return Comment.objects.from_ip_since(ip_address, since).count() >= self.rate_limit_count

    def reports_rate_limited(self, ip_address, *, now=None):
        """True when this address already sent its hour's allowance of reports. Counted in the
        database, like comments."""
        if not self.reports_per_hour or not ip_address:
            return False
        since = (now or timezone.now()) - timezone.timedelta(hours=1)
        return (
            CommentReport.objects.from_ip_since(ip_address, since).count() >= self.reports_per_hour
        )

    def takedown_due(self, reports):
        """Whether these undismissed reports take their comment off the page: the threshold of
        reports of any kind, or the lower one of reports of personal information."""
        counts = dict(reports.order_by().values_list("reason").annotate(total=Count("pk")))
        personal = counts.get(CommentReport.Reason.PERSONAL, 0)
        if self.personal_report_threshold and personal >= self.personal_report_threshold:
            return True
        return bool(self.report_threshold) and sum(counts.values()) >= self.report_threshold

    def assess(self, *, name, email, text, honeypot="", elapsed_seconds=None):
        """Decide where a new comment lands: returns (status, score, reasons)."""
        reasons, spam, held, score = [], False, False, 0
        haystack = f"{name}\n{text}".lower()

        if self.use_honeypot and honeypot:
            reasons.append({"rule": "honeypot", "detail": ""})
            score, spam = score + 10, True
        if self.min_seconds_to_submit:
            if elapsed_seconds is None:
                reasons.append({"rule": "no_timestamp", "detail": ""})
                score, spam = score + 5, True
            elif elapsed_seconds < self.min_seconds_to_submit:
                reasons.append({"rule": "too_fast", "detail": str(int(elapsed_seconds))})
                score, spam = score + 5, True
        for word in words_from(self.disallowed_words):
            if word in haystack:
                reasons.append({"rule": "disallowed_word", "detail": word})
                score, spam = score + 10, True
        links = len(LINK_RE.findall(text))
        if self.max_links and links >= self.max_links:
            reasons.append({"rule": "links", "detail": str(links)})
            score, held = score + 2 * links, True
        for word in words_from(self.moderation_words):
            if word in haystack:
                reasons.append({"rule": "moderation_word", "detail": word})
                score, held = score + 3, True

        if spam:
            return Comment.Status.SPAM, score, reasons
        if held:
            return Comment.Status.PENDING, score, reasons
        if self.auto_approve_known and Comment.objects.approved().by_email(email).exists():
            return Comment.Status.APPROVED, score, reasons
        if self.hold_all:
            return Comment.Status.PENDING, score, [{"rule": "held", "detail": ""}]
        return Comment.Status.APPROVED, score, reasons


class NotificationThrottle(models.Model):
    """When moderators were last emailed: one row per kind of notice, updated atomically so two
    workers never both send, and stored in the database so a cache outage changes nothing."""

    key = models.CharField(_("key"), max_length=50, primary_key=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("notification throttle")
        verbose_name_plural = _("notification throttles")

    def __str__(self):
        return self.key

    def get_absolute_url(self):
        return reverse("admin:comments_comment_changelist")

    @classmethod
    def acquire(cls, key, *, every, now=None):
        """Claim the right to send now; False when a notice went out less than `every` ago."""
        now = now or timezone.now()
        cls.objects.get_or_create(key=key)
        claimed = (
            cls.objects.filter(key=key)
            .filter(Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=now - every))
            .update(last_sent_at=now)
        )
        return claimed == 1

    @classmethod
    def release(cls, key):
        """Forget the last send (it failed), so the next comment tries again."""
        cls.objects.filter(key=key).update(last_sent_at=None)


class CommenterNoticeQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at__isnull=True)

    def for_address(self, email):
        if not email or not email.strip():
            return self.none()
        return self.filter(email__iexact=email.strip())

    def waiting_pairs(self):
        """The (address, thread) pairs with notices still to send, for the digest."""
        return self.unsent().order_by().values_list("email", "thread_id").distinct()


class CommenterNotice(models.Model):
    """Something a commenter asked to hear about: their comment published, or an answer to it.

    Stored in the transaction of the change itself and sent once it commits (comments.services):
    a mail server that fails loses nothing. At most one email per address and thread an hour;
    what comes meanwhile waits, and goes out as one digest."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("Comment published")
        REPLY = "reply", _("Answer received")

    email = models.EmailField(_("email"))
    # The conversation the throttle counts in: the comment on the article that starts it.
    thread = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="+", verbose_name=_("thread")
    )
    # The comment published, or the answer.
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="notices", verbose_name=_("comment")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Set while the email is on its way; a sent notice is deleted.
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = CommenterNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("commenter notice")
        verbose_name_plural = _("commenter notices")
        indexes = [
            models.Index(fields=["email", "thread", "sent_at"], name="notice_address_thread_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["published", "reply"]), name="notice_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.email}"

    def get_absolute_url(self):
        return self.comment.get_absolute_url()

    @classmethod
    def record_for(cls, comment, *, created):
        """The notices a save of `comment` calls for: to its author when a moderator publishes
        it, to the author of the comment it answers when it becomes public. Returns them."""
        if not comment.became_public(created=created):
            return []
        notices = []
        thread_id = comment.thread_id or comment.pk
        if not created and comment.notify_on_publish and comment.email:
            notices.append(
                cls(
                    email=comment.email,
                    thread_id=thread_id,
                    comment=comment,
                    kind=cls.Kind.PUBLISHED,
                    language=comment.language,
                )
            )
        parent = comment.parent
        if (
            parent is not None
            and parent.notify_on_reply
            and parent.email
            and parent.email.lower() != (comment.email or "").lower()
        ):
            notices.append(
                cls(
                    email=parent.email,
                    thread_id=thread_id,
                    comment=comment,
                    kind=cls.Kind.REPLY,
                    language=parent.language,
                )
            )
        return cls.objects.bulk_create(notices)


class CommenterOptOut(models.Model):
    """An address that asked never to be written to again. Only a keyed hash of it is kept:
    enough to recognise it at send time, nothing to read it back."""

    address_hash = models.CharField(_("address (keyed hash)"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("unsubscribed"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("unsubscribed address")
        verbose_name_plural = _("unsubscribed addresses")

    def __str__(self):
        return self.address_hash[:12]

    def get_absolute_url(self):
        return reverse("admin:comments_comment_changelist")

    @classmethod
    def covers(cls, email):
        """Whether `email` unsubscribed, under the current secret key or a previous one still
        listed in SECRET_KEY_FALLBACKS."""
        secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
        hashes = [address_hash(email, secret=secret) for secret in secrets]
        return cls.objects.filter(address_hash__in=hashes).exists()

    @classmethod
    def add(cls, hashed):
        cls.objects.get_or_create(address_hash=hashed)
