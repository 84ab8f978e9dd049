"""Business logic: what a view, a worker, a CLI command or a test calls. No request objects here."""


class ServiceError(Exception):
    """A rule was broken by the caller's input; the message is meant for the user."""


class NotAllowed(ServiceError):
    """The user may not do this to this thing (wrong role or another council's)."""
