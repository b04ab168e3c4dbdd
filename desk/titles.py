"""Admin pages titled in whole sentences, as each language says them.

Django's admin builds its titles from a model's name: "Add %s", "Change %s", "Add {{ name }}".
French cannot agree those with the name ("Ajout de article", "Ajouter photo"): the article, the
preposition and the adjectives depend on the noun's gender and first letter. So each ModelAdmin
may give its own phrases (`titles = AdminTitles(add=_("Add an article"), …)`), translated whole;
a model without them gets a neutral phrasing ("Ajout : mot-clé") rather than a wrong one.

`TitledAdmin` puts the phrases on the add, change, view and delete pages, in their breadcrumbs
and on the change list's add button (templates/admin/change_form.html and
change_list_object_tools.html read `add_title`). The admin site mixes it into every ModelAdmin
it registers (newsroom.admin_site), third-party ones included.
"""

from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class AdminTitles:
    """What the admin's pages of one model are called: whole phrases, each translated."""

    add: str
    change: str
    view: str
    delete: str

    @classmethod
    def neutral(cls, opts):
        """Phrases that hold whatever the model's name: the name after a colon."""
        name = {"name": opts.verbose_name}
        return cls(
            add=_("Add: %(name)s") % name,
            change=_("Change: %(name)s") % name,
            view=_("View: %(name)s") % name,
            delete=_("Delete: %(name)s") % name,
        )


class TitledAdmin:
    """ModelAdmin mixin: its pages' titles and add button from the ModelAdmin's `titles`, an
    AdminTitles, or the neutral phrases without one (see the module). Mixed in before the
    ModelAdmin, it reads `titles` without declaring it, so that the ModelAdmin's own is found."""

    def get_titles(self):
        return getattr(self, "titles", None) or AdminTitles.neutral(self.opts)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        titles = self.get_titles()
        if add:
            title = titles.add
        elif self.has_change_permission(request, obj):
            title = titles.change
        else:
            title = titles.view
        # Django's own title is replaced, not one a view gave on purpose.
        if context.get("title") in _django_titles(self.opts):
            context["title"] = capfirst(str(title))
        context.setdefault("add_title", capfirst(str(titles.add)))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "title": capfirst(self.opts.verbose_name_plural),
            "add_title": capfirst(str(self.get_titles().add)),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        extra_context = {"title": capfirst(str(self.get_titles().delete)), **(extra_context or {})}
        return super().delete_view(request, object_id, extra_context)


def _django_titles(opts):
    """The titles Django's change form gives itself (django.contrib.admin.options)."""
    return {gettext(phrase) % opts.verbose_name for phrase in ("Add %s", "Change %s", "View %s")}
