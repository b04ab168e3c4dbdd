import datetime
import random
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator, URLValidator
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles import caching
from articles.models import Section

from .formatting import amount_parameter_value, format_amount

MAX_SUGGESTED_AMOUNTS = 6
MINIMUM_PLACEHOLDER = "{minimum}"

# The smallest minimum amount and weight: the fields' validators say so to editors, and the
# table's constraints hold them whatever writes the row.
SMALLEST_MINIMUM_AMOUNT = Decimal("0.01")
SMALLEST_WEIGHT = 1

validate_https_url = URLValidator(
    schemes=["https"],
    message=_("Enter a full https:// address (the payment page)."),
    code="not_https",
)


def parse_amounts(value):
    """'5, 10, 20' -> [Decimal('5'), Decimal('10'), Decimal('20')]; raises ValidationError."""
    amounts = []
    for part in str(value).split(","):
        part = part.strip()
        if not part:
            continue
        try:
            amount = Decimal(part)
        except InvalidOperation:
            raise ValidationError(
                _("“%(value)s” is not an amount: write numbers with a decimal point, like 7.50."),
                code="invalid",
                params={"value": part},
            ) from None
        if not amount.is_finite() or amount <= 0:
            raise ValidationError(
                _("Every amount must be more than zero (“%(value)s” is not)."),
                code="not_positive",
                params={"value": part},
            )
        if amount.as_tuple().exponent < -2 or amount >= Decimal("1000000"):
            raise ValidationError(
                _("“%(value)s” is not a valid amount: at most two decimals, under one million."),
                code="invalid",
                params={"value": part},
            )
        amounts.append(amount)
    if len(amounts) > MAX_SUGGESTED_AMOUNTS:
        raise ValidationError(
            _("Suggest at most %(limit)d amounts."),
            code="too_many",
            params={"limit": MAX_SUGGESTED_AMOUNTS},
        )
    return amounts


def validate_amounts(value):
    parse_amounts(value)


class Currency(models.TextChoices):
    EUR = "EUR", _("Euro (€)")
    USD = "USD", _("US dollar ($)")
    CAD = "CAD", _("Canadian dollar ($)")
    CHF = "CHF", _("Swiss franc (CHF)")
    GBP = "GBP", _("Pound sterling (£)")


class Placement(models.TextChoices):
    AFTER_BODY = "after_body", _("After the article body")
    AFTER_PARAGRAPH = "after_paragraph", _("After a given paragraph")


PROMPTS_CACHE_VERSION_KEY = "donations:prompts-version"
PROMPTS_CACHE_LIFETIME = datetime.timedelta(minutes=5)


def forget_cached_prompts():
    """A new version makes every cached list of eligible prompts unreachable at once."""
    caching.replace_version(PROMPTS_CACHE_VERSION_KEY)


# Lists of eligible prompts this process read, by cache key (version and section).
_eligible_here = caching.ProcessCopies(limit=100)


def draw(prompts, *, rng=None):
    """One of `prompts` drawn at random in proportion to the weights, or None."""
    if not prompts:
        return None
    return (rng or random).choices(prompts, weights=[p.weight for p in prompts])[0]


class DonationPromptQuerySet(models.QuerySet):
    def active(self, *, now=None):
        """Switched on, and within its dates (an empty date means no limit on that side)."""
        now = now or timezone.now()
        return self.filter(
            Q(starts_at__isnull=True) | Q(starts_at__lte=now),
            Q(ends_at__isnull=True) | Q(ends_at__gt=now),
            is_active=True,
        )

    def for_section(self, section):
        """Prompts that target no section (so all of them) or this one; `section` may be an id."""
        targets = DonationPrompt.sections.through.objects.filter(donationprompt=OuterRef("pk"))
        # EXISTS rather than a join: one row per prompt, whatever the number of sections.
        return self.filter(~Exists(targets) | Exists(targets.filter(section=section)))

    def eligible(self, *, section, now=None):
        """What an article of `section` may show at `now`."""
        return self.active(now=now).for_section(section)

    def for_support_page(self):
        """Active prompts, the ones for the whole site and the heaviest first."""
        targets = DonationPrompt.sections.through.objects.filter(donationprompt=OuterRef("pk"))
        return (
            self.active()
            .annotate(targeted=Exists(targets))
            .order_by("targeted", "-weight", "-starts_at", "-pk")
        )

    def eligible_cached(self, *, section):
        """`eligible(section=…)` for article pages, from the cache.

        Every article page asks, so the answer is kept until the next start or end date of an
        active prompt (five minutes at most); any change to a prompt drops every copy at once
        (see signals). Without a cache, it is one query as before.
        """
        now = timezone.now()
        key = f"donations:eligible:{caching.version(PROMPTS_CACHE_VERSION_KEY)}:{section}"
        # The key names the version: a copy this process already read is as good as the
        # cache's, and saves unpickling the prompts on every page.
        cached = _eligible_here.get(key) or cache.get(key)
        if cached is not None and cached[0] > now:
            return _eligible_here.keep(key, cached)[1]
        prompts = list(self.eligible(section=section, now=now).order_by("pk"))
        valid_until = min(
            [now + PROMPTS_CACHE_LIFETIME, *self.dates_after(now)],
        )
        cache.set(key, (valid_until, prompts), timeout=PROMPTS_CACHE_LIFETIME.total_seconds())
        _eligible_here.keep(key, (valid_until, prompts))
        return prompts

    def dates_after(self, now):
        """The start and end dates still to come among switched-on prompts."""
        bounds = self.filter(is_active=True).aggregate(
            next_start=models.Min("starts_at", filter=Q(starts_at__gt=now)),
            next_end=models.Min("ends_at", filter=Q(ends_at__gt=now)),
        )
        return [date for date in bounds.values() if date is not None]

    def with_stats(self):
        """Impressions, clicks and click-through rate (percent), summed in the database."""
        impressions = models.functions.Coalesce(models.Sum("section_stats__impressions"), 0)
        clicks = models.functions.Coalesce(models.Sum("section_stats__clicks"), 0)
        return self.annotate(total_impressions=impressions, total_clicks=clicks).annotate(
            click_rate=click_rate_expression("total_clicks", "total_impressions")
        )

    def activate(self):
        return self.update(is_active=True, updated_at=timezone.now())

    def deactivate(self):
        return self.update(is_active=False, updated_at=timezone.now())


def click_rate_expression(clicks, impressions):
    """clicks / impressions in percent, NULL when nothing was shown yet."""
    return models.ExpressionWrapper(
        models.functions.Cast(F(clicks), models.FloatField())
        * 100.0
        / models.functions.NullIf(models.functions.Cast(F(impressions), models.FloatField()), 0.0),
        output_field=models.FloatField(),
    )


class AmountChoice:
    """One suggested amount as the prompt offers it: its label and the link behind it."""

    def __init__(self, amount, label, url):
        self.amount = amount
        self.label = label
        self.url = url


class DonationPrompt(models.Model):
    name = models.CharField(
        _("internal name"), max_length=120, help_text=_("Only editors see it, in the admin.")
    )
    heading = models.CharField(_("heading"), max_length=80, default=_("Support"))
    message = models.TextField(
        _("message"),
        help_text=_(
            "Plain text. Write {minimum} where the minimum amount should appear: it is shown in "
            "the reader's language, for example “5 €” or “€5”."
        ),
    )
    minimum_amount = models.DecimalField(
        _("minimum amount"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("5"),
        validators=[
            MinValueValidator(
                SMALLEST_MINIMUM_AMOUNT, _("The minimum amount must be more than zero.")
            )
        ],
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR
    )
    suggested_amounts = models.CharField(
        _("suggested amounts"),
        max_length=100,
        blank=True,
        default="5, 10, 20",
        validators=[validate_amounts],
        help_text=_("Separated by commas, with a decimal point: 5, 10, 20 or 7.50, 15."),
    )
    button_label = models.CharField(_("button label"), max_length=60, default=_("Donate"))
    destination_url = models.URLField(
        _("destination"),
        max_length=500,
        validators=[validate_https_url],
        help_text=_(
            "The newsroom's page at its payment provider: a payment link, a donation form, "
            "a tipping page. https only."
        ),
    )
    amount_parameter = models.CharField(
        _("amount parameter"),
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9_.\-\[\]]+$",
                _("Letters, digits and _ . - [ ] only, as in amount or montant."),
            )
        ],
        help_text=_(
            "If the destination accepts the amount in its address (…?amount=10), the name of "
            "that parameter. Leave empty otherwise."
        ),
    )

    is_active = models.BooleanField(_("active"), default=True)
    starts_at = models.DateTimeField(
        _("starts"), null=True, blank=True, help_text=_("Empty: shown as soon as it is active.")
    )
    ends_at = models.DateTimeField(
        _("ends"), null=True, blank=True, help_text=_("Empty: shown until switched off.")
    )
    placement = models.CharField(
        _("placement"), max_length=20, choices=Placement.choices, default=Placement.AFTER_BODY
    )
    paragraph_number = models.PositiveSmallIntegerField(
        _("after paragraph"),
        null=True,
        blank=True,
        help_text=_(
            "With “after a given paragraph”: the number of the paragraph it follows. Readers "
            "without JavaScript, and articles with fewer paragraphs, see it after the body."
        ),
    )
    sections = models.ManyToManyField(
        Section,
        blank=True,
        related_name="donation_prompts",
        verbose_name=_("sections"),
        help_text=_("Empty: every section."),
    )
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        default=1,
        validators=[MinValueValidator(SMALLEST_WEIGHT, _("The weight is at least 1."))],
        help_text=_(
            "When several prompts may show, each is drawn in proportion to its weight: "
            "a prompt of weight 3 shows three times as often as one of weight 1."
        ),
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DonationPromptQuerySet.as_manager()

    class Meta:
        ordering = ["-is_active", "name"]
        verbose_name = _("donation prompt")
        verbose_name_plural = _("donation prompts")
        indexes = [
            models.Index(
                fields=["is_active", "starts_at", "ends_at"], name="donationprompt_live_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=SMALLEST_WEIGHT), name="donationprompt_weight_min_1"
            ),
            models.CheckConstraint(
                condition=Q(minimum_amount__gte=SMALLEST_MINIMUM_AMOUNT),
                name="donationprompt_minimum_positive",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=F("starts_at")),
                name="donationprompt_ends_after_starts",
            ),
            models.CheckConstraint(
                condition=Q(placement="after_body")
                | Q(paragraph_number__isnull=False, paragraph_number__gte=1),
                name="donationprompt_paragraph_set",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        """The admin preview: a prompt has no public page of its own."""
        return reverse("admin:donations_donationprompt_preview", args=[self.pk])

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must come after the start.")
        if self.placement == Placement.AFTER_PARAGRAPH and not self.paragraph_number:
            errors["paragraph_number"] = _("Say after which paragraph the prompt goes.")
        if self.minimum_amount is not None:
            try:
                below = [a for a in self.amounts if a < self.minimum_amount]
            except ValidationError:
                below = []  # the field's own validator reports it
            if below:
                errors["suggested_amounts"] = _(
                    "Suggested amounts cannot be below the minimum amount."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def amounts(self):
        return parse_amounts(self.suggested_amounts)

    @property
    def minimum_display(self):
        """The minimum amount in the active language: '5 €', '€5'."""
        return format_amount(self.minimum_amount, self.currency)

    @property
    def message_text(self):
        """The message with the minimum amount written out in the reader's language."""
        return self.message.replace(MINIMUM_PLACEHOLDER, self.minimum_display)

    def is_live(self, *, now=None):
        now = now or timezone.now()
        return (
            self.is_active
            and (self.starts_at is None or self.starts_at <= now)
            and (self.ends_at is None or self.ends_at > now)
        )

    # --- links ---------------------------------------------------------------------------------

    def click_url(self, *, amount=None, section=None):
        """Our own endpoint, which counts the click and then sends the reader on."""
        params = {}
        if amount is not None:
            params["amount"] = amount_parameter_value(amount)
        if section is not None:
            params["section"] = getattr(section, "pk", section)
        url = reverse("donations:click", kwargs={"pk": self.pk})
        return f"{url}?{urlencode(params)}" if params else url

    def destination_for(self, amount=None):
        """The configured destination, with the amount added where the destination takes one."""
        if amount is None or not self.amount_parameter:
            return self.destination_url
        parts = urlsplit(self.destination_url)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
        query = [(k, v) for k, v in query if k != self.amount_parameter]
        query.append((self.amount_parameter, amount_parameter_value(amount)))
        return urlunsplit(parts._replace(query=urlencode(query)))

    def amount_choices(self, *, section=None, direct=False):
        """The suggested amounts, formatted and linked; `direct` skips our counter (preview)."""
        return [
            AmountChoice(
                amount,
                format_amount(amount, self.currency),
                self.destination_for(amount)
                if direct
                else self.click_url(amount=amount, section=section),
            )
            for amount in self.amounts
        ]

    def button_url(self, *, section=None, direct=False):
        return self.destination_url if direct else self.click_url(section=section)

    # --- tracking ------------------------------------------------------------------------------

    def record_impression(self, *, section=None):
        """Count one showing, in `section` (None: the support page)."""
        self.impression(section=section)()

    def impression(self, *, section=None):
        """`record_impression()` to be made later, with the view of the article it is shown in
        (see articles.models.Article.count_view)."""
        return CounterBump(self, section, {"impressions": 1})

    def record_click(self, *, section=None, amount=None):
        """Count one click and keep the amount chosen; nothing about the reader is stored."""
        with transaction.atomic():
            PromptSectionStat.objects.bump(self, section, clicks=1)
            return DonationClick.objects.create(prompt=self, section=section, amount=amount)


class PromptSectionStatQuerySet(models.QuerySet):
    def bump(self, prompt, section, **increments):
        """Add to counters in one UPDATE; create the row the first time, safely under races.
        `section` may be an id."""
        section_id = getattr(section, "pk", section)
        if self._add(prompt.pk, section_id, increments):
            return
        rows = self.filter(prompt=prompt, section_id=section_id)
        changes = {field: F(field) + n for field, n in increments.items()}
        try:
            # A savepoint, so that losing the race does not break an enclosing transaction.
            with transaction.atomic():
                self.create(prompt=prompt, section_id=section_id, **increments)
        except IntegrityError:
            # Another request created the row between our UPDATE and INSERT: add to it.
            rows.update(**changes)

    def _add(self, prompt_id, section_id, increments):
        """The UPDATE of bump(), written out: every article view runs it, and building it
        through the ORM cost more than running it. Returns whether a row was there."""
        quote = connection.ops.quote_name
        columns = [self.model._meta.get_field(name).column for name in increments]
        changes = ", ".join(f"{quote(column)} = {quote(column)} + %s" for column in columns)
        section_test = "section_id IS NULL" if section_id is None else "section_id = %s"
        # Table and column names come from the model; every value is a parameter.
        sql = (
            f"UPDATE {quote(self.model._meta.db_table)} SET {changes} "  # noqa: S608
            f"WHERE prompt_id = %s AND {section_test}"
        )
        params = [*increments.values(), prompt_id]
        if section_id is not None:
            params.append(section_id)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount > 0

    def bump_after(self, prompt_id, section_id, source, increments):
        """bump() as part of a larger PostgreSQL statement: the SQL and parameters of a query
        that adds `increments` once per row of the query named `source` (none: nothing), and
        creates the row the first time. One INSERT … ON CONFLICT DO UPDATE: exact under races
        without a savepoint."""
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        counters = [self.model._meta.get_field(name).column for name in COUNTERS]
        values = [increments.get(name, 0) for name in COUNTERS]
        # The row's unique constraints (Meta.constraints), one for sections and one for the
        # support page.
        conflict = (
            "(prompt_id) WHERE section_id IS NULL"
            if section_id is None
            else "(prompt_id, section_id) WHERE section_id IS NOT NULL"
        )
        prompts = quote(DonationPrompt._meta.db_table)
        # Table and column names come from the models; every value is a parameter. A prompt
        # deleted since it was drawn counts nothing, rather than failing the reader's page.
        sql = (
            f"INSERT INTO {table} (prompt_id, section_id, {', '.join(map(quote, counters))}) "  # noqa: S608
            f"SELECT %s, %s, {', '.join(['%s'] * len(counters))} FROM {source} "
            f"WHERE EXISTS (SELECT 1 FROM {prompts} WHERE id = %s) "
            f"ON CONFLICT {conflict} DO UPDATE SET "
            + ", ".join(f"{quote(c)} = {table}.{quote(c)} + EXCLUDED.{quote(c)}" for c in counters)
        )
        return sql, [prompt_id, section_id, *values, prompt_id]

    def with_click_rate(self):
        return self.annotate(click_rate=click_rate_expression("clicks", "impressions"))


# The counters of PromptSectionStat.
COUNTERS = ("impressions", "clicks")


class CounterBump:
    """A bump() of one prompt's counters in one place, made later: called, on its own;
    through `sql_after`, within the statement that counts the article view it goes with."""

    def __init__(self, prompt, section, increments):
        self.prompt, self.section, self.increments = prompt, section, increments

    def __call__(self):
        PromptSectionStat.objects.bump(self.prompt, self.section, **self.increments)

    def sql_after(self, source):
        return PromptSectionStat.objects.bump_after(
            self.prompt.pk, getattr(self.section, "pk", self.section), source, self.increments
        )


class PromptSectionStat(models.Model):
    """Impressions and clicks of one prompt in one section; no section means the support page."""

    prompt = models.ForeignKey(
        DonationPrompt,
        on_delete=models.CASCADE,
        related_name="section_stats",
        verbose_name=_("prompt"),
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("section"),
    )
    impressions = models.PositiveBigIntegerField(_("impressions"), default=0)
    clicks = models.PositiveBigIntegerField(_("clicks"), default=0)

    objects = PromptSectionStatQuerySet.as_manager()

    class Meta:
        ordering = ["prompt", "section__order", "section__name"]
        verbose_name = _("statistics by section")
        verbose_name_plural = _("statistics by section")
        constraints = [
            models.UniqueConstraint(
                fields=["prompt", "section"],
                condition=Q(section__isnull=False),
                name="promptsectionstat_unique_section",
            ),
            # NULLs are distinct in a plain unique constraint: the support page needs its own.
            models.UniqueConstraint(
                fields=["prompt"],
                condition=Q(section__isnull=True),
                name="promptsectionstat_unique_support",
            ),
        ]

    def __str__(self):
        return f"{self.prompt} · {self.place}"

    def get_absolute_url(self):
        return reverse("admin:donations_donationprompt_change", args=[self.prompt_id])

    @property
    def place(self):
        return self.section.name if self.section_id else _("Support page")


class DonationClick(models.Model):
    """One click on a prompt: which prompt, where, which amount, when. No reader data."""

    prompt = models.ForeignKey(
        DonationPrompt, on_delete=models.CASCADE, related_name="clicks", verbose_name=_("prompt")
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("section"),
    )
    amount = models.DecimalField(_("amount"), max_digits=8, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("clicked"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("donation click")
        verbose_name_plural = _("donation clicks")
        indexes = [models.Index(fields=["prompt", "-created_at"], name="donationclick_prompt_idx")]

    def __str__(self):
        return f"{self.prompt} · {self.amount_display}"

    def get_absolute_url(self):
        return reverse("admin:donations_donationclick_change", args=[self.pk])

    @property
    def amount_display(self):
        if self.amount is None:
            return _("no amount")
        return format_amount(self.amount, self.prompt.currency)
