import datetime

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from . import page_cache
from .list_cache import CachedCountPaginator, count_key_for
from .list_pages import SharedListMixin
from .models import Article, Section, byline_for
from .search import SearchForm

#: The periods of the "most read" lists, by the name used in their URL.
MOST_READ_PERIODS = {
    "day": datetime.timedelta(days=1),
    "week": datetime.timedelta(days=7),
}


class ArticleListMixin:
    """Shared queryset and pagination for every public list of articles."""

    paginate_by = 12
    paginator_class = CachedCountPaginator

    def get_queryset(self):
        return Article.objects.published().for_listing()

    def get_paginator(self, *args, **kwargs):
        return super().get_paginator(*args, count_key=count_key_for(self.request), **kwargs)


class HomeView(SharedListMixin, ArticleListMixin, ListView):
    """The front page: the lead story, then the latest articles, newest first."""

    template_name = "articles/home.html"


class SectionView(SharedListMixin, ArticleListMixin, ListView):
    template_name = "articles/section.html"

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().in_section(self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class AuthorView(SharedListMixin, ArticleListMixin, ListView):
    """An author's published articles. Only people with a published byline have a page."""

    template_name = "articles/author.html"

    def get_queryset(self):
        self.author = get_object_or_404(
            get_user_model().objects.select_related("author_profile"),
            username=self.kwargs["username"],
            pk__in=Article.objects.published().values("author"),
        )
        return super().get_queryset().by_author(self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            author=self.author,
            author_name=byline_for(self.author),
            profile=getattr(self.author, "author_profile", None),
            **kwargs,
        )


class TagView(SharedListMixin, ArticleListMixin, ListView):
    template_name = "articles/tag.html"

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return super().get_queryset().with_tag(self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class MostReadView(SharedListMixin, ArticleListMixin, ListView):
    """The most read articles among those published today (the last 24 hours) or this week."""

    template_name = "articles/most_read.html"
    shared_parameters = {"period": lambda value: value in MOST_READ_PERIODS}
    paginate_by = None
    limit = 20

    def get_queryset(self):
        self.period = self.request.GET.get("period")
        if self.period not in MOST_READ_PERIODS:
            self.period = "week"
        return Article.objects.most_read(MOST_READ_PERIODS[self.period]).for_listing()[: self.limit]

    def get_context_data(self, **kwargs):
        return super().get_context_data(period=self.period, **kwargs)


class SearchView(ArticleListMixin, ListView):
    """Search over titles, standfirsts and bodies. Any query answers a page, never an error."""

    template_name = "articles/search.html"

    @cached_property
    def form(self):
        return SearchForm(self.request.GET)

    @property
    def query(self):
        return self.form.cleaned_data["q"] if self.form.is_valid() else ""

    def get_queryset(self):
        if not self.query:
            return Article.objects.none()
        return super().get_queryset().search(self.query)

    def get_context_data(self, **kwargs):
        return super().get_context_data(form=self.form, query=self.query, **kwargs)


class ArticleDetailView(DetailView):
    """An article. Staff who edit articles also preview unpublished ones here.

    Each GET by a reader adds one view, in the database, before the page is rendered, so that
    the count shown includes this visit. Crawlers, HEAD requests and staff previews do not count.

    Every visitor but staff shares one rendering of the page, with their own parts filled in
    (see page_cache): the first renders it, the next ones are served from it.
    """

    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.visible_to(self.request.user).for_listing()

    def counts_as_view(self):
        return (
            self.request.method == "GET"
            and not self.is_preview
            and page_cache.counts_visit(self.request)
        )

    def get(self, request, *args, **kwargs):
        shareable = page_cache.is_shareable(request)
        if shareable:
            html = page_cache.serve(request, self.kwargs["slug"])
            if html is not None:
                return HttpResponse(html)

        self.object = self.get_object()
        self.is_preview = not self.object.is_published
        if self.counts_as_view():
            # The count comes back from the database with the increment, so the page shows the
            # views of everyone who came in meanwhile too.
            self.object.record_view()
        context = self.get_context_data(object=self.object, is_preview=self.is_preview)
        if shareable and not self.is_preview:
            return self.render_shared(context)
        response = self.render_to_response(context)
        if self.is_preview:
            # A preview must never be kept by a shared cache and shown to readers.
            add_never_cache_headers(response)
        return response

    @classmethod
    def render_unsaved(cls, request, article):
        """The page of `article` as a form holds it, unsaved (ArticleAdmin's preview): this
        view's context and template, with nothing counted or kept (page_cache.render_preview)."""
        view = cls()
        view.setup(request, slug=article.slug)
        view.object, view.is_preview = article, True
        context = view.get_context_data(object=article, is_preview=True, unsaved=True)
        return page_cache.render_preview(view.get_template_names(), context, request, article)

    def render_shared(self, context):
        """Render the page with placeholders, keep it for the next readers, fill it for this one."""
        article = self.object
        # Read before rendering: a change made meanwhile leaves this shell stale at once.
        versions = page_cache.current_versions(article.pk)
        html = page_cache.render_shell(self.get_template_names(), context, self.request)
        page_cache.store(self.request, self.kwargs["slug"], article, html, versions)
        page = page_cache.Page(
            article.pk, article.section_id, article.view_count, counted=self.counts_as_view()
        )
        return HttpResponse(page_cache.fill(html, self.request, page))
