from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(_("section/<slug:slug>/"), views.SectionView.as_view(), name="section"),
    path(_("article/<slug:slug>/"), views.ArticleDetailView.as_view(), name="detail"),
]
