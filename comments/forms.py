import time
import unicodedata

from captcha.conf import settings as captcha_settings
from captcha.fields import CaptchaField, CaptchaTextInput
from captcha.models import CaptchaStore
from django import forms
from django.conf import settings
from django.core import signing
from django.db import connection
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import rate_limit
from .models import Comment, CommentReport, ModerationPolicy

TIMESTAMP_SALT = "comments.form.timestamp"

# Bidirectional embeddings, overrides and isolates, plus the marks: they let a name or a text
# display differently from what it contains.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")

CAPTCHA_FAILED = _("Captcha verification failed!")


def clean_reader_text(value, *, keep_newlines):
    """Drop control characters and bidirectional overrides; keep line breaks when asked."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for char in value:
        if char == "\n":
            kept.append("\n" if keep_newlines else " ")
        elif char == "\t":
            kept.append(" ")
        elif char in BIDI_CONTROLS or unicodedata.category(char) == "Cc":
            continue
        else:
            kept.append(char)
    return "".join(kept).strip()


def captcha_contact_message():
    """The second line under a failed captcha, with a link to write to the newsroom."""
    # Translators: keep {link_start} and {link_end} around the words that invite to write.
    message = gettext("The captcha user score failed. Please {link_start}contact us{link_end}!")
    link_start = format_html('<a href="mailto:{}">', settings.NEWSROOM_CONTACT_EMAIL)
    return format_html(
        message.replace("{link_start}", "{0}").replace("{link_end}", "{1}"),
        link_start,
        mark_safe("</a>"),
    )


def new_timestamp():
    return signing.dumps(time.time(), salt=TIMESTAMP_SALT)


def read_timestamp(value):
    """The time the form was first shown, or None when missing or forged."""
    try:
        return float(signing.loads(value or "", salt=TIMESTAMP_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


class CommentCaptchaInput(CaptchaTextInput):
    template_name = "comments/widgets/captcha.html"
    # Rendered under a plain <label>, not a fieldset: this lets Django tie the answer's input to
    # the error message with aria-describedby, as it does for the other fields.
    use_fieldset = False
    # Set on a form rendered for many readers: the challenge's key is written as given (a
    # placeholder each reader's own challenge replaces) instead of a challenge being stored.
    key = None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Declared, so that the page does not move when the image arrives.
        context["image_width"], context["image_height"] = settings.CAPTCHA_IMAGE_SIZE
        # The form field's attributes (required, aria-invalid, aria-describedby) are meant for
        # the answer a reader types; HTML forbids them, and autocomplete, on the hidden key.
        hidden = context["widget"]["subwidgets"][0]["attrs"]
        for attribute in [*hidden]:
            if attribute in ("required", "autocomplete") or attribute.startswith("aria-"):
                del hidden[attribute]
        return context

    def fetch_captcha_store(self, name, value, attrs=None, generator=None):
        if self.key is None:
            return super().fetch_captcha_store(name, value, attrs, generator)
        self._key = self.key
        self._value = [self.key, ""]
        self.id_ = self.build_attrs(attrs).get("id", None)


class SingleUseCaptchaField(CaptchaField):
    """django-simple-captcha's field, its challenge used up in one statement.

    The library reads the challenge, deletes it, and deletes the expired ones: three queries on
    every comment sent. One `DELETE … RETURNING` does the same: whether the answer is right or
    wrong, the challenge is gone (two requests sending the same one: only one gets it back), and
    the expired challenges with it.
    """

    def clean(self, value):
        if captcha_settings.CAPTCHA_TEST_MODE or captcha_settings.CAPTCHA_GET_FROM_POOL:
            return super().clean(value)
        # The multi-value field's own checks (required, incomplete), skipping the library's.
        forms.MultiValueField.clean(self, value)
        key, answer, value[1] = value[0], (value[1] or "").strip().lower(), ""
        if not self.required and not answer:
            return value
        if take_challenge(key) != answer:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value


def take_challenge(key):
    """Delete the stored challenge `key`, and every expired one, in one statement; return the
    answer it expects, or None when it is unknown, used or expired."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table = connection.ops.quote_name(CaptchaStore._meta.db_table)
    # The table name is the library's; every value is a parameter.
    sql = (
        f"DELETE FROM {table} WHERE hashkey = %s OR expiration <= %s "  # noqa: S608
        "RETURNING hashkey, response, expiration > %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, now, now])
        rows = cursor.fetchall()
    return next((response for hashkey, response, alive in rows if hashkey == key and alive), None)


class RobotTrap(forms.Form):
    """What a reader's form carries to tell robots from people: a honeypot, hidden from people
    by CSS and from screen readers by aria-hidden, and when the form was first shown, signed so
    a robot cannot pretend it took its time."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    timestamp = forms.CharField(required=False, widget=forms.HiddenInput)


class CommentForm(RobotTrap, forms.ModelForm):
    """A reader's comment. `get_comment_object()` returns it unsaved, with the policy's verdict;
    the view adds the request facts (IP, user agent) and saves it."""

    captcha = SingleUseCaptchaField(
        label=_("Type the characters shown in the image"),
        widget=CommentCaptchaInput(),
        error_messages={
            "invalid": CAPTCHA_FAILED,
            "required": CAPTCHA_FAILED,
            "incomplete": CAPTCHA_FAILED,
        },
    )
    # The comment a reply answers; empty for a comment on the article.
    parent = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Comment
        fields = ["name", "email", "text", "notify_on_publish", "notify_on_reply"]
        labels = {
            "name": _("Name"),
            "email": _("Email (optional)"),
            "text": _("Comment"),
            "notify_on_publish": _("Tell me when my comment is published"),
            "notify_on_reply": _("Tell me when someone answers me"),
        }
        help_texts = {
            "email": _("Never shown publicly. Lets us reach you about your comment."),
            "notify_on_publish": "",
            "notify_on_reply": "",
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "text": forms.Textarea(attrs={"rows": 8}),
        }
        error_messages = {
            "name": {"required": _("Please enter your name here")},
            "text": {"required": _("Please enter your comment!")},
        }

    def __init__(self, *args, article, ip_address=None, policy=None, reply_to=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        self.ip_address = ip_address
        self.policy = policy or ModerationPolicy.load()
        self.rate_limited = False
        self.replying_to, self.parent_refused = self._find_parent(reply_to)
        # The first time the form was shown survives every re-render, so a reader who fixes a
        # mistake quickly is not taken for a robot.
        key = self.add_prefix("timestamp")
        posted = self.data.get(key) if self.is_bound else self.initial.get("timestamp")
        self.started_at = read_timestamp(posted)
        if self.started_at is None:
            posted = new_timestamp()
            if self.is_bound:
                self.data = self.data.copy()
                self.data[key] = posted
        self.initial["timestamp"] = posted

    def _find_parent(self, reply_to):
        """The comment answered: given when the form is shown, posted when it is sent. A posted
        one must be a published comment of this article; one that is not (forged, or taken
        down meanwhile) is refused and dropped, so that the reader can send their text as a
        comment on the article."""
        key = self.add_prefix("parent")
        if not self.is_bound:
            if reply_to is not None:
                self.initial["parent"] = reply_to.pk
            return reply_to, False
        posted = str(self.data.get(key) or "").strip()
        if not posted:
            return None, False
        found = None
        if posted.isdigit() and len(posted) < 19:
            found = Comment.objects.answerable_on(self.article).filter(pk=int(posted)).first()
        if found is None:
            self.data = self.data.copy()
            self.data[key] = ""
            return None, True
        return found, False

    def use_placeholders(self, *, captcha_key, timestamp):
        """Render with placeholders for the captcha's key and the start time, which each
        reader's request fills in (articles.page_cache)."""
        self.fields["captcha"].widget.key = captcha_key
        self.initial["timestamp"] = timestamp

    def clean_name(self):
        name = clean_reader_text(self.cleaned_data["name"], keep_newlines=False)
        if not name:
            raise forms.ValidationError(self.fields["name"].error_messages["required"])
        return name

    def clean_text(self):
        text = clean_reader_text(self.cleaned_data["text"], keep_newlines=True)
        if not text:
            raise forms.ValidationError(self.fields["text"].error_messages["required"])
        limit = settings.COMMENTS_MAX_LENGTH
        if len(text) > limit:
            raise forms.ValidationError(
                ngettext(
                    "Your comment is too long: please keep it under %(limit)d character "
                    "(it has %(length)d).",
                    "Your comment is too long: please keep it under %(limit)d characters "
                    "(it has %(length)d).",
                    limit,
                )
                % {"limit": limit, "length": len(text)},
                code="max_length",
            )
        return text

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        if self.policy.comments_closed(self.article):
            raise forms.ValidationError(_("Comments are closed on this article."), code="closed")
        if self.parent_refused:
            raise forms.ValidationError(
                _(
                    "The comment you were answering can no longer be answered: it may have "
                    "been removed. Your text is kept below: you can send it as a comment on "
                    "the article."
                ),
                code="parent",
            )
        if (cleaned.get("notify_on_publish") or cleaned.get("notify_on_reply")) and not cleaned.get(
            "email"
        ):
            self.add_error(
                "email",
                forms.ValidationError(
                    _("Please give your email address: we need it to write to you."),
                    code="email_for_notices",
                ),
            )
        if rate_limit.rate_limited(self.policy, self.ip_address):
            self.rate_limited = True
            raise forms.ValidationError(
                ngettext(
                    "You have sent %(count)d comment in the last %(minutes)d minutes, the most "
                    "we accept. Please wait a few minutes and send it again: your text is kept "
                    "below.",
                    "You have sent %(count)d comments in the last %(minutes)d minutes, the most "
                    "we accept. Please wait a few minutes and send it again: your text is kept "
                    "below.",
                    self.policy.rate_limit_count,
                )
                % {
                    "count": self.policy.rate_limit_count,
                    "minutes": self.policy.rate_limit_minutes,
                },
                code="rate_limited",
            )
        name, text = cleaned.get("name"), cleaned.get("text")
        if (
            name
            and text
            and Comment.objects.for_article(self.article).filter(name=name, text=text).exists()
        ):
            raise forms.ValidationError(
                _(
                    "You have already sent this comment: it is waiting for a moderator "
                    "or published."
                ),
                code="duplicate",
            )
        return cleaned

    def get_comment_object(self, *, ip_address=None, user_agent=""):
        """The comment, unsaved, with where the policy says it lands and why."""
        comment = self.save(commit=False)
        # The emails it asked for go in the language of the page it was written on.
        comment.language = get_language() or ""
        comment.article = self.article
        comment.ip_address = ip_address
        comment.user_agent = user_agent
        if self.replying_to is not None:
            self.replying_to.place_reply(comment)
        started = self.started_at
        elapsed = None if started is None else max(time.time() - started, 0)
        comment.status, comment.spam_score, comment.spam_reasons = self.policy.assess(
            name=comment.name,
            email=comment.email,
            text=comment.text,
            honeypot=self.cleaned_data.get("website", ""),
            elapsed_seconds=elapsed,
        )
        return comment

    def kept_values(self):
        """What the reader typed, to show again in a fresh form."""
        return {
            "name": self.data.get(self.add_prefix("name"), ""),
            "email": self.data.get(self.add_prefix("email"), ""),
            "text": self.data.get(self.add_prefix("text"), ""),
            "notify_on_publish": bool(self.data.get(self.add_prefix("notify_on_publish"))),
            "notify_on_reply": bool(self.data.get(self.add_prefix("notify_on_reply"))),
            "timestamp": self.initial.get("timestamp"),
        }


class AnswerForm(forms.Form):
    """The newsroom's answer to a reader, written by staff: no captcha, no policy; published at
    once by Comment.answer()."""

    text = forms.CharField(
        label=_("Answer as the newsroom"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Please write your answer.")},
    )

    # Cleaned and limited as a reader's comment is: it is published as one.
    clean_text = CommentForm.clean_text


class ReportForm(RobotTrap):
    """A reader's report of a published comment: the view hands it to `comment.report()`. No
    captcha: the per-address limit, a honeypot and a signed start time keep robots out."""

    reason = forms.ChoiceField(
        label=_("What is wrong with this comment?"),
        choices=CommentReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose a reason.")},
    )
    note = forms.CharField(
        label=_("Anything to add? (optional)"),
        required=False,
        max_length=CommentReport._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the newsroom should know, in 500 characters at most."),
    )

    def __init__(self, *args, ip_address=None, policy=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.ip_address = ip_address
        self.policy = policy or ModerationPolicy.load()
        self.rate_limited = False
        if not self.is_bound:
            self.initial["timestamp"] = new_timestamp()

    @property
    def sent_by_robot(self):
        """The honeypot filled, or no start time the server signed: what no browser showing
        the form sends. Such a report is thanked and forgotten."""
        return bool(self.cleaned_data.get("website")) or (
            read_timestamp(self.cleaned_data.get("timestamp")) is None
        )

    def clean_note(self):
        return clean_reader_text(self.cleaned_data["note"], keep_newlines=True)

    def clean(self):
        cleaned = super().clean()
        if self.policy.reports_rate_limited(self.ip_address):
            self.rate_limited = True
            raise forms.ValidationError(
                ngettext(
                    "You have sent %(count)d report in the last hour, the most we accept. "
                    "Please try again later.",
                    "You have sent %(count)d reports in the last hour, the most we accept. "
                    "Please try again later.",
                    self.policy.reports_per_hour,
                )
                % {"count": self.policy.reports_per_hour},
                code="rate_limited",
            )
        return cleaned
