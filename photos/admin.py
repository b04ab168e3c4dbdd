from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import JsonResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from desk.admin import KeepsWriting
from desk.titles import AdminTitles

from .forms import PhotoForm
from .models import Photo


def admin_link(obj):
    """A link to `obj`'s change page in the admin, or its name when it has none."""
    meta = obj._meta
    try:
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return format_html("{}", obj)
    return format_html('<a href="{}">{}</a>', url, obj)


@admin.register(Photo)
class PhotoAdmin(KeepsWriting, admin.ModelAdmin):
    titles = AdminTitles(
        add=_("Add a photo"),
        change=_("Change the photo"),
        view=_("View the photo"),
        delete=_("Delete the photo"),
    )
    form = PhotoForm
    unsaved_version_notice = _("A more recent unsaved version of this photo exists (%(age)s):")
    list_display = ["thumbnail_column", "description_column", "credit", "uses_column", "uploaded"]
    list_display_links = ["thumbnail_column", "description_column"]
    list_filter = [("uploaded_by", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["uploaded_by"]
    search_fields = ["caption", "credit", "alt_text", "source"]
    date_hierarchy = "uploaded_at"
    readonly_fields = ["preview", "size", "used_in", "uploaded_by", "uploaded_at", "updated_at"]
    fieldsets = [
        (_("Photo"), {"fields": ["image", "preview", "size"]}),
        (_("Description"), {"fields": ["alt_text", "caption", "credit", "source"]}),
        (_("Metadata"), {"fields": ["used_in", "uploaded_by", "uploaded_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_use_count()

    def get_fields(self, request, obj=None):
        return [field for fieldset in self.get_fieldsets(request, obj) for field in fieldset[1]]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            # A new photo: the file and its description; the rest is recorded.
            return [
                (_("Photo"), {"fields": ["image"]}),
                (_("Description"), {"fields": ["alt_text", "caption", "credit", "source"]}),
            ]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        # A photo's file never changes under its name (readers' browsers keep its renditions for
        # a year): a different picture is a new photo.
        if obj is not None:
            return [*self.readonly_fields, "image"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            obj.make_renditions_on_commit()

    # --- The article editor's photo dialogs ----------------------------------------------------
    # Two JSON endpoints for static/articles/editor/photos.js: search the library, and add a photo
    # to it without leaving the article.

    #: The most photos a search answers with.
    CHOOSER_RESULTS = 20
    #: The most photos the editor's previews ask for at once, by number.
    CHOOSER_IDS = 100

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "choose/",
                self.admin_site.admin_view(require_GET(self.choose_view)),
                name="{}_{}_choose".format(*info),
            ),
            path(
                "upload/",
                self.admin_site.admin_view(require_POST(self.upload_view)),
                name="{}_{}_upload".format(*info),
            ),
            *super().get_urls(),
        ]

    def choose_view(self, request):
        """The photos matching every word of `q`, newest first; or, with `ids` (comma-separated),
        those photos in that order, for the previews of an article's figures."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if "ids" in request.GET:
            ids = request.GET["ids"].split(",")[: self.CHOOSER_IDS]
            wanted = [int(part) for part in ids if part.isdigit()]
            found = Photo.objects.in_bulk(wanted)
            photos = [found[pk] for pk in wanted if pk in found]
        else:
            query = request.GET.get("q", "")[:200]
            photos = Photo.objects.search(query).order_by("-uploaded_at", "-pk")
            photos = photos[: self.CHOOSER_RESULTS]
        return JsonResponse({"photos": [self.chooser_json(photo) for photo in photos]})

    def upload_view(self, request):
        """A new photo for the library, checked by the add page's own form and saved as that
        page saves it; answers the photo, or the form's errors with status 400."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PhotoForm(request.POST, request.FILES)
        if not form.is_valid():
            errors = {
                field: [error["message"] for error in field_errors]
                for field, field_errors in form.errors.get_json_data().items()
            }
            return JsonResponse({"errors": errors}, status=400)
        photo = form.save(commit=False)
        with transaction.atomic():
            self.save_model(request, photo, form, change=False)
            self.log_addition(
                request, photo, self.construct_change_message(request, form, None, add=True)
            )
        return JsonResponse(self.chooser_json(photo), status=201)

    @staticmethod
    def chooser_json(photo):
        return {
            "id": photo.pk,
            "thumbnail": photo.thumbnail.url,
            "alt": photo.alt_text,
            "caption": photo.caption,
            "credit": photo.credit,
            "width": photo.width,
            "height": photo.height,
        }

    # --- Columns ---------------------------------------------------------------------------------

    @admin.display(description=_("photo"))
    def thumbnail_column(self, photo):
        return format_html('<img src="{}" width="80" height="50" alt="">', photo.thumbnail.url)

    @admin.display(description=_("description"), ordering="caption")
    def description_column(self, photo):
        return format_html("{}<br><small>{}</small>", photo.caption or "—", photo.alt_text)

    @admin.display(description=_("used in"), ordering="use_count")
    def uses_column(self, photo):
        count = getattr(photo, "use_count", 0)
        if not count:
            return _("not used")
        return ngettext("%(count)d article", "%(count)d articles", count) % {"count": count}

    @admin.display(description=_("uploaded"), ordering="uploaded_at")
    def uploaded(self, photo):
        who = photo.uploaded_by.get_username() if photo.uploaded_by else "—"
        return format_html("{}<br><small>{}</small>", who, photo.uploaded_at.date())

    @admin.display(description=_("preview"))
    def preview(self, photo):
        return format_html(
            '<img src="{}" width="{}" height="{}" alt="{}">',
            photo.picture["src"],
            min(photo.picture["width"], 480),
            round(
                photo.picture["height"] * min(photo.picture["width"], 480) / photo.picture["width"]
            ),
            photo.alt_text,
        )

    @admin.display(description=_("size"))
    def size(self, photo):
        return f"{photo.width} × {photo.height}"

    @admin.display(description=_("used in"))
    def used_in(self, photo):
        used = photo.used_in()
        if not used:
            return _("Not used yet.")
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((admin_link(obj),) for obj in used))
        )

    # --- Deleting --------------------------------------------------------------------------------

    def get_deleted_objects(self, objs, request):
        """A photo in use is not deleted: the page lists what uses it instead of the uses'
        bookkeeping."""
        deleted, counts, permissions_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            protected = [
                format_html("{} : {}", photo, admin_link(user))
                for photo in objs
                for user in photo.used_in()
            ]
        return deleted, counts, permissions_needed, protected
