"""Errors a user may cause. Each renders as one clear line, never a traceback."""


class InputError(Exception):
    """Bad input from a person or a file: shown as one line; exit status 2 on the command line."""

    def __init__(self, message: str, problems: list[str] | None = None, *, field: str | None = None):
        super().__init__(message)
        self.problems = problems or [message]
        self.field = field  # the form field it belongs to, when it belongs to one (web/actions.input_error)


class AccessDenied(Exception):
    """The actor may not do this. Logged by the caller as a refused attempt where it concerns a record."""


class Superseded(InputError):
    """Someone else decided or changed the record since the person looked (names who and when): nothing was
    written, and the form is shown again with the record as it is now, so the person reads it and chooses again."""
