from django.views.generic import TemplateView


class SupportView(TemplateView):
    template_name = "donations/support.html"
