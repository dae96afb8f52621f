"""Kept while features move onto fourpm.core: the one error type lives in core.errors."""
from .core.errors import ContentError, did_you_mean  # noqa: F401
