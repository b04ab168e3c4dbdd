import pytest
from django.utils import translation

from comments.forms import CommentForm, clean_reader_text

from .helpers import comment_data

pytestmark = pytest.mark.django_db


def form_for(article, **overrides):
    return CommentForm(comment_data(**overrides), article=article, ip_address="192.0.2.1")


def test_a_complete_form_is_valid_and_returns_an_unsaved_comment(article, policy):
    form = form_for(article)

    assert form.is_valid(), form.errors
    comment = form.get_comment_object(ip_address="192.0.2.1", user_agent="Firefox")
    assert comment.pk is None
    assert comment.article == article
    assert comment.ip_address == "192.0.2.1"
    assert comment.user_agent == "Firefox"
    assert comment.status == "pending"


@pytest.mark.parametrize(
    ("field", "language", "message"),
    [
        ("name", "fr", "S'il vous plaît entrez votre nom ici"),
        ("name", "en", "Please enter your name here"),
        ("text", "fr", "S'il vous plaît entrez votre commentaire!"),
        ("text", "en", "Please enter your comment!"),
    ],
)
def test_missing_fields_have_the_newsroom_messages(article, policy, field, language, message):
    with translation.override(language):
        form = form_for(article, **{field: ""})
        assert not form.is_valid()
        assert form.errors[field] == [message]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_captcha_failure_message_is_the_same_in_both_languages(article, policy, language):
    with translation.override(language):
        form = form_for(article, captcha_1="wrong")
        assert not form.is_valid()
        assert form.errors["captcha"] == ["Captcha verification failed!"]


def test_email_is_optional(article, policy):
    assert form_for(article, email="").is_valid()


def test_control_and_bidi_characters_are_stripped():
    assert (
        clean_reader_text("Ev\u202ee\x07 \u2066Martin\u2069", keep_newlines=False) == "Eve Martin"
    )
    assert clean_reader_text("a\r\nb\u200f\x1b[31m", keep_newlines=True) == "a\nb[31m"


def test_a_name_with_a_line_break_becomes_one_line(article, policy):
    form = form_for(article, name="Eve\r\nBcc: victim@example.org")

    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "Eve Bcc: victim@example.org"


def test_text_keeps_its_line_breaks(article, policy):
    form = form_for(article, text="Premier paragraphe.\r\n\r\nSecond.")

    assert form.is_valid()
    assert form.cleaned_data["text"] == "Premier paragraphe.\n\nSecond."


@pytest.mark.parametrize(("length", "valid"), [(5000, True), (5001, False)])
def test_text_length_limit(article, policy, length, valid):
    form = form_for(article, text="a" * length)

    assert form.is_valid() is valid


def test_too_long_message_names_the_limit(article, policy, settings):
    settings.COMMENTS_MAX_LENGTH = 10
    with translation.override("en"):
        form = form_for(article, text="a" * 12)
        assert not form.is_valid()
        assert form.errors["text"] == [
            "Your comment is too long: please keep it under 10 characters (it has 12)."
        ]


def test_nul_bytes_are_refused(article, policy):
    form = form_for(article, text="bonjour\x00")

    assert not form.is_valid()
    assert "text" in form.errors


def test_an_unbound_form_carries_a_signed_timestamp(article, policy):
    form = CommentForm(article=article)

    assert ":" in form["timestamp"].value()


def test_a_captcha_error_is_tied_to_the_answer_field(article, policy):
    form = form_for(article, captcha_1="wrong")

    assert not form.is_valid()
    assert 'aria-describedby="id_captcha_error"' in str(form["captcha"])
