from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "comments"

urlpatterns = [
    path(_("post/<int:article_id>/"), views.post_comment, name="post"),
]
