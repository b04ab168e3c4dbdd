from django.views.generic import DetailView

from .models import Page


class PageDetailView(DetailView):
    context_object_name = "page"

    def get_queryset(self):
        return Page.objects.published()
