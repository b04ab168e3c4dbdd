from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(_("section/<slug:slug>/"), views.SectionView.as_view(), name="section"),
    path(_("author/<str:username>/"), views.AuthorView.as_view(), name="author"),
    # Tag slugs keep their accents (taggit makes Unicode slugs), hence str rather than slug.
    path(_("tag/<str:slug>/"), views.TagView.as_view(), name="tag"),
    path(_("most-read/"), views.MostReadView.as_view(), name="most_read"),
    path(_("search/"), views.SearchView.as_view(), name="search"),
    path(_("article/<slug:slug>/"), views.ArticleDetailView.as_view(), name="detail"),
]
