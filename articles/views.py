from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .models import Article, Section


class ArticleListMixin:
    """Shared queryset and pagination for every public list of articles."""

    paginate_by = 10

    def get_queryset(self):
        return Article.objects.published().select_related("section", "author")


class HomeView(ArticleListMixin, ListView):
    template_name = "articles/home.html"


class SectionView(ArticleListMixin, ListView):
    template_name = "articles/section.html"

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return super().get_queryset().in_section(self.section)

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().select_related("section", "author")

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        self.object.record_view()
        self.object.view_count += 1
        return response
