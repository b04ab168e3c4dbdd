import secrets

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .forms import PREFIX, form_values
from .keeping import browser_id
from .models import Autosave, KeptForm


class KeepsWriting:
    """For the ModelAdmin of a form that holds writing: nothing typed in it is lost.

    - Its page autosaves the form for its user (static/desk/autosave.js, desk:autosave), and
      offers the newest autosave newer than the object's last save: `?restore=<id>` fills the
      form with it.
    - A post refused for an expired token or session is kept (desk.keeping); `?kept=<token>`
      fills the form with it, with a message saying what happened.
    - Saving the object deletes its user's autosaves of it, and the kept post it came from.

    The change form shows the notice through desk/notice.html, which `desk/change_form.html`
    includes; an admin with a template of its own includes it there and names it in
    `change_form_template`.
    """

    keeps_writing = True
    change_form_template = "desk/change_form.html"
    #: The notice, with the object named as its language wants ("cet article", "cette photo").
    unsaved_version_notice = _("A more recent unsaved version of this form exists (%(age)s):")

    #: The form's field holding the state of the object it was opened at, if it has one. A kept
    #: post keeps it: saving it is then checked against what its author had seen. A restored
    #: autosave does not: restoring is the author's choice to put their text over what is
    #: saved now (including after a conflict, whose message offers the autosave).
    version_field = None

    def last_saved(self, obj):
        """When the object was last saved: autosaves older than that are not offered."""
        return getattr(obj, "updated_at", None) if obj is not None else None

    # --- Filling the form ---------------------------------------------------------------------

    def desk_filling(self, request, object_id):
        """What fills this GET's form: ("restore", an autosave), ("kept", a kept form) or None.
        Looked up once per request (the admin asks for the form class more than once)."""
        if hasattr(request, "_desk_filling"):
            return request._desk_filling
        filling = None
        if request.method == "GET" and "restore" in request.GET:
            pk = request.GET["restore"]
            autosave = (
                Autosave.objects.of(request.user)
                .for_object(self.model, object_id or "")
                .filter(pk=int(pk) if pk.isdigit() else None)
                .first()
            )
            if autosave is None:
                # Another's autosave, or one already discarded: never shown.
                raise Http404
            filling = ("restore", autosave)
        elif request.method == "GET" and "kept" in request.GET:
            kept = (
                KeptForm.objects.held_by(request.user, browser_id(request))
                .filter(token=request.GET["kept"], path=request.path)
                .first()
            )
            if kept is not None:
                kept.claim(request.user)
                filling = ("kept", kept)
                messages.warning(request, self.kept_message(kept))
        request._desk_filling = filling
        return filling

    def kept_message(self, kept):
        if kept.reason == KeptForm.Reason.SESSION_ENDED:
            message = gettext(
                "Your session had ended when you sent this form, so nothing was saved yet. "
                "Everything you typed is back in the form below: check it and save."
            )
        else:
            message = gettext(
                "The form had expired when you sent it, so nothing was saved yet. Everything "
                "you typed is back in the form below: check it and save."
            )
        if kept.had_files:
            message += " " + gettext("The file you had chosen must be chosen again.")
        return message

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        attrs = {"writer": request.user}
        filling = self.desk_filling(request, obj.pk if obj is not None else None)
        if filling is not None:
            values = form_values(filling[1].data, form_class)
            if filling[0] == "restore":
                values.pop(self.version_field, None)

            def __init__(form, *args, **kwargs):
                # As initial values, over the object's: the form is not bound, and saving it
                # is the journalist's own decision.
                kwargs["initial"] = {**(kwargs.get("initial") or {}), **values}
                form_class.__init__(form, *args, **kwargs)

            attrs["__init__"] = __init__
        return type(form_class.__name__, (form_class,), attrs)

    # --- The page ----------------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        object_id = str(obj.pk) if obj is not None and obj.pk is not None else ""
        filling = self.desk_filling(request, object_id)
        if filling is not None and filling[0] == "restore":
            # Restored text goes on autosaving over the autosave it came from.
            form_key = filling[1].form_key
        else:
            # A form shown again after a refused post goes on with its own key.
            form_key = request.POST.get(f"{PREFIX}form_key") or secrets.token_urlsafe(16)
        context["desk"] = {
            "autosave_url": reverse("desk:autosave"),
            "content_type": ContentType.objects.get_for_model(self.model).pk,
            "object_id": object_id,
            "form_prefix": PREFIX,
            "form_key": form_key[:64],
            "notice": None
            if filling is not None or request.method != "GET"
            else self.unsaved_version(request, obj, object_id),
        }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def unsaved_version(self, request, obj, object_id):
        """The notice of this user's newest autosave of the object newer than its last save."""
        autosave = (
            Autosave.objects.of(request.user)
            .for_object(self.model, object_id)
            .newer_than(self.last_saved(obj))
            .first()
        )
        if autosave is None:
            return None
        return {
            "text": self.unsaved_version_notice % {"age": naturaltime(autosave.saved_at)},
            "restore_url": f"{request.path}?restore={autosave.pk}",
            "discard_url": reverse("desk:discard", args=[autosave.pk]),
        }

    # --- Saving ------------------------------------------------------------------------------

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Saved: what was kept of this form is no longer needed.
        mine = Autosave.objects.of(request.user)
        mine.for_object(self.model, form.instance.pk).delete()
        form_key = request.POST.get(f"{PREFIX}form_key")
        if not change and form_key:
            mine.for_object(self.model).filter(form_key=form_key).delete()
        if "kept" in request.GET:
            KeptForm.objects.held_by(request.user, browser_id(request)).filter(
                token=request.GET["kept"]
            ).delete()
