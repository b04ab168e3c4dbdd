import io

import pytest
from django.core.management import call_command

from comments.models import Comment

pytestmark = pytest.mark.django_db


def test_demo_has_approved_and_pending_french_comments():
    call_command("load_demo", stdout=io.StringIO())

    assert Comment.objects.approved().count() >= 3
    assert Comment.objects.pending().count() >= 1
    assert Comment.objects.filter(text__contains="passerelle").exists()
    approved = Comment.objects.approved().first()
    assert approved.moderated_by.username == "nadia"
    assert approved.moderated_by.has_perm("comments.change_comment")


def test_demo_comments_are_built_once():
    call_command("load_demo", stdout=io.StringIO())
    first = Comment.objects.count()

    call_command("load_demo", stdout=io.StringIO())

    assert Comment.objects.count() == first
