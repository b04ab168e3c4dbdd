from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "pages"

urlpatterns = [
    path(_("page/<slug:slug>/"), views.PageDetailView.as_view(), name="detail"),
]
