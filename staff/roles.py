"""The newsroom's staff roles: one auth Group each, with exactly these permissions.

The groups are made, and their missing permissions added, after every `migrate` (a post_migrate
handler, see staff.apps), so a new model's permissions reach the roles without anyone thinking
of it. `manage.py sync_roles` resets every group to this definition, taking away what was added
by hand in the admin. Rules that depend on the object (a journalist edits only their own drafts)
are checked by the admin classes with these permissions as the starting point.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _


def crud(model, app):
    return [f"{app}.{verb}_{model}" for verb in ("add", "change", "delete", "view")]


#: Group name (stored in English, shown translated) -> its label and permissions.
ROLES = {
    "Journalist": {
        "label": _("Journalist"),
        "permissions": [
            "articles.add_article",
            # Only their own drafts and articles in review: see Article.editable_by.
            "articles.change_article",
            "articles.view_article",
            "articles.view_section",
            # The tags field suggests existing tags.
            "taggit.view_tag",
            # They pick photos from the library and upload new ones.
            "photos.view_photo",
            "photos.add_photo",
            # They answer readers as the newsroom, from the comment queue or the article page.
            "comments.answer_comment",
        ],
    },
    "Editor": {
        "label": _("Editor"),
        "permissions": [
            *crud("article", "articles"),
            "articles.publish_article",
            "articles.change_any_article",
            "articles.restore_article",
            *crud("section", "articles"),
            *crud("authorprofile", "articles"),
            # The library: describe and delete photos (one in use cannot be deleted).
            *crud("photo", "photos"),
            "articles.view_articleevent",
            *crud("tag", "taggit"),
            *crud("donationprompt", "donations"),
            # The site's own pages ("À propos", "Mentions légales") and the footer's links.
            *crud("page", "pages"),
            "donations.view_donationclick",
            "donations.view_promptsectionstat",
            # The author field searches the staff accounts.
            "auth.view_user",
            "comments.answer_comment",
        ],
    },
    "Moderator": {
        "label": _("Moderator"),
        "permissions": [
            "comments.view_comment",
            # Approve, reject, mark as spam, fix a typo.
            "comments.change_comment",
            "comments.answer_comment",
            "comments.view_moderationpolicy",
            "comments.change_moderationpolicy",
            "articles.view_article",
            "articles.view_section",
        ],
    },
}

JOURNALIST, EDITOR, MODERATOR = ROLES


def label(group_name):
    """The translated name of a role's group; other groups keep their own name."""
    role = ROLES.get(group_name)
    return role["label"] if role else group_name


def permissions_for(name):
    """The Permission rows a role's group should hold, and the codes not (yet) in the database."""
    wanted = {tuple(code.split(".", 1)) for code in ROLES[name]["permissions"]}
    found = Permission.objects.filter(
        content_type__app_label__in={app for app, _codename in wanted},
        codename__in={codename for _app, codename in wanted},
    ).select_related("content_type")
    found = [p for p in found if (p.content_type.app_label, p.codename) in wanted]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
    return found, sorted(f"{app}.{codename}" for app, codename in missing)


@transaction.atomic
def sync(*, exact=True):
    """Make each role's group and give it its permissions.

    With `exact`, permissions outside the definition are taken away; without it, they are kept
    (the migrate hook never undoes what an administrator chose). Returns, per group, the
    permission codes added and removed, and those that do not exist in the database.
    """
    report = {}
    for name in ROLES:
        group, _created = Group.objects.get_or_create(name=name)
        wanted, missing = permissions_for(name)
        current = set(group.permissions.all())
        added = [p for p in wanted if p not in current]
        removed = [p for p in current if p not in set(wanted)] if exact else []
        group.permissions.add(*added)
        group.permissions.remove(*removed)
        report[name] = {
            "added": sorted(_code(p) for p in added),
            "removed": sorted(_code(p) for p in removed),
            "missing": missing,
        }
    return report


def _code(permission):
    return f"{permission.content_type.app_label}.{permission.codename}"


def on_post_migrate(sender, using="default", **kwargs):
    """After `migrate` (and after a test database is flushed): give the groups their
    permissions once every app's permissions exist."""
    from django.apps import apps

    # post_migrate is sent once per app that has models, in INSTALLED_APPS order, and each app's
    # permissions are made when its own turn comes: wait for the last one.
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is not with_models[-1]:
        return
    sync(exact=False)
