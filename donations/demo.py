def build(*, accounts, stdout):
    """Demo donation prompt: filled in by the donations app."""
