"""The words the article workflow is declared in: a `Step`, and `declare()` to list them.

The steps themselves are declared once, on the model (`Article.STEPS`), and taken by one method
(`Article.take_step()`). Everything else reads the declaration: the admin's buttons, bulk actions
and messages, the demo, and whoever imports or scripts articles.
"""

from dataclasses import dataclass
from types import MappingProxyType

#: Where the create step starts from: an article that is not saved yet has no status.
NEW = None


@dataclass(frozen=True)
class Step:
    name: str
    #: The statuses the step starts from (NEW: an article not saved yet).
    sources: tuple
    #: The status it leads to; None leaves the status as it is.
    target: str | None
    #: The permission it needs; on a saved article, `Article.editable_by()` must allow it too.
    permission: str
    #: The `ArticleEvent.Action` it records; its label is also the revision's comment.
    action: str
    #: Why it is refused from any other status (the message of ArticleStateError).
    wrong_status: str
    #: The admin button that saves the change form, then takes the step. None: no button of its
    #: own (creating is the add form's "Save", restoring the revision form's "Save", scheduling is
    #: what "Save and publish" does with a date in the future).
    label: str | None = None
    #: What the admin says once it is taken, given %(title)s and %(date)s (publication date).
    done: str | None = None
    #: The bulk admin action's description, and its ngettext message given %(count)d.
    bulk_description: str | None = None
    bulk_done: str | None = None
    #: Whether it sets the publication date: the one given, else the one set, else now.
    sets_date: bool = False
    #: Whether whoever takes it says why (a note for the author).
    asks_for_note: bool = False
    #: The step this one is instead when the publication date is in the future ...
    when_future: str | None = None
    #: ... or has come.
    when_due: str | None = None

    def __str__(self):
        return self.name


def declare(*steps):
    """The steps by name, read-only, in the order given: the order the admin shows them in."""
    return MappingProxyType({step.name: step for step in steps})
