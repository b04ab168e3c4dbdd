"""The newsroom's people as the staff tests meet them: one account per role."""

from django.contrib.auth.models import Group

from tests.articles.factories import StaffUserFactory

#: The roles of the permission matrix, in the order of its columns.
ROLES = ["journalist", "editor", "moderator", "superuser"]


def member(username, group_name):
    """A staff account in the group `group_name`, as the demo makes them."""
    user = StaffUserFactory(username=username)
    user.groups.add(Group.objects.get(name=group_name))
    return user
