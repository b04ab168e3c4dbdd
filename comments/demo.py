def build(*, accounts, stdout):
    """Demo comments: filled in by the comments app."""
