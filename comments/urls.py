from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "comments"

urlpatterns = [
    path(_("post/<int:article_id>/"), views.post_comment, name="post"),
    path(_("reply/<int:comment_id>/"), views.reply_form, name="reply"),
    path(_("answer/<int:comment_id>/"), views.post_answer, name="answer"),
    path(_("report/<int:comment_id>/"), views.report_comment, name="report"),
    path(_("report/<int:comment_id>/send/"), views.post_report, name="report_post"),
    path(_("unsubscribe/<str:token>/"), views.unsubscribe, name="unsubscribe"),
]
