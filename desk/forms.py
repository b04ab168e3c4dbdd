"""A posted form as the desk stores it, and back: the values that fill the form again."""

from django import forms
from django.http import QueryDict

#: The desk's own fields in an autosave post; never part of the form's data.
PREFIX = "_desk_"
#: Not kept: the token of the form that was posted is no use to the next one.
LEFT_OUT = {"csrfmiddlewaretoken"}


def posted_data(post):
    """A QueryDict as JSON: {name: [values]}, without the CSRF token and the desk's fields."""
    return {
        name: post.getlist(name)
        for name in post
        if name not in LEFT_OUT and not name.startswith(PREFIX)
    }


def form_values(data, form_class):
    """The initial values that fill `form_class` with `data` (as posted_data stores it), read
    by each field's widget as from a post, so that multiple values (tags, several sections),
    split dates and checkboxes come back as they were. Files cannot come back."""
    posted = QueryDict(mutable=True)
    for name, values in data.items():
        posted.setlist(name, [str(value) for value in values])
    values = {}
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.FileField):
            continue
        if field.widget.value_omitted_from_data(posted, {}, name):
            continue
        values[name] = field.widget.value_from_datadict(posted, {}, name)
    return values
