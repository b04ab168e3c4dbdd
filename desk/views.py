from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import PREFIX, posted_data
from .keeping import from_own_site, keep_and_redirect, writing_admin
from .models import Autosave, KeptForm, admin_url


class AutosaveForm(forms.Form):
    """The desk's own fields in an autosave post (static/desk/autosave.js); the rest of the
    post is the form being written."""

    content_type = forms.IntegerField(min_value=1)
    object_id = forms.CharField(max_length=64, required=False)
    form_key = forms.RegexField(regex=r"^[A-Za-z0-9_-]{8,64}$")


def writing_admin_for(request, content_type, object_id):
    """The model admin of `content_type`, if it keeps its forms and lets this user change the
    object (or add one, for a form never saved): the admin's own permission methods decide."""
    model = content_type.model_class()
    try:
        model_admin = admin.site.get_model_admin(model)
    except admin.sites.NotRegistered:
        raise Http404 from None
    if not getattr(model_admin, "keeps_writing", False):
        raise Http404
    if not object_id:
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        return model_admin
    try:
        pk = model._meta.pk.to_python(unquote(object_id))
    except ValidationError:
        raise Http404 from None
    obj = model_admin.get_queryset(request).filter(pk=pk).first()
    if obj is None:
        raise Http404
    if not model_admin.has_change_permission(request, obj):
        raise PermissionDenied
    return model_admin


@require_POST
def autosave(request):
    """Keeps what an admin form holds, for its user only; never writes the object."""
    desk = AutosaveForm(
        {
            name.removeprefix(PREFIX): request.POST.get(name)
            for name in (f"{PREFIX}content_type", f"{PREFIX}object_id", f"{PREFIX}form_key")
        }
    )
    if not desk.is_valid():
        return HttpResponse(status=400)
    content_type = ContentType.objects.filter(pk=desk.cleaned_data["content_type"]).first()
    if content_type is None or content_type.model_class() is None:
        raise Http404
    object_id = desk.cleaned_data["object_id"]
    writing_admin_for(request, content_type, object_id)
    Autosave.record(
        user=request.user,
        content_type=content_type,
        object_id=object_id,
        form_key=desk.cleaned_data["form_key"],
        data=posted_data(request.POST),
        base_token=request.POST.get("version_token", "")[:64],
    )
    return HttpResponse(status=204)


@require_POST
def discard(request, pk):
    """ "Ignore" under the notice: forgets that autosave, back to the form."""
    autosave = get_object_or_404(Autosave.objects.of(request.user), pk=pk)
    autosave.delete()
    return HttpResponseRedirect(admin_url(autosave.content_type, autosave.object_id), status=303)


#: The CSRF middleware's reasons that are about the token or its cookie, which simply expire;
#: a refused Origin or Referer is another matter ("Origin checking failed…", "Referer…").
EXPIRED_REASONS = ("CSRF token", "CSRF cookie")


def keep_refused_post(request, reason):
    """The CSRF failure of an admin post whose token or cookie expired, from a page of this
    site: the text of a form that holds writing is kept and its author sent back to it; any
    other admin form is shown again with a message. None for anything else (a post from
    elsewhere, a page that is not the admin's)."""
    if request.method != "POST" or not reason.startswith(EXPIRED_REASONS):
        return None
    if not from_own_site(request):
        return None
    if writing_admin(request) is not None:
        return keep_and_redirect(request, KeptForm.Reason.FORM_EXPIRED)
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace != "admin":
        return None
    messages.warning(
        request,
        _(
            "The form had expired, so nothing was done: please do it again. (Security tokens "
            "expire when you log in again or after a long time.)"
        ),
    )
    return HttpResponseRedirect(request.get_full_path(), status=303)
