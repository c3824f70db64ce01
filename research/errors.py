"""User-facing errors.

A :class:`ResearchError` is something the user can fix (a bad config key, a missing file, an unreadable page).
The CLI prints it as one line, without a traceback, and exits non-zero. Anything else is a bug and keeps its
traceback.
"""


class ResearchError(Exception):
    """An error caused by input the user controls; its message must say what and where."""


class ConfigError(ResearchError):
    """An invalid experiment config (unknown key, wrong type, bad value, missing `extends` target)."""


class DataError(ResearchError):
    """Missing, unreadable or malformed input data."""


class ModelFileError(ResearchError):
    """A model file that cannot be loaded safely."""


class OutputError(ResearchError):
    """An output that cannot be written: a folder in its place, a missing folder, no space or no permission."""
