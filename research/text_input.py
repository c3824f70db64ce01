"""Input tags for the estimators that read text or token lists, not a numeric matrix.

scikit-learn's estimator checks and meta-tools read these tags (as they do for its own ``TfidfVectorizer``):
they do not feed such an estimator random float matrices, which it could not take.
"""
from __future__ import annotations


class TextInputMixin:
    """Declares string (text / token-list) input; put it first among the bases."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags


__all__ = ["TextInputMixin"]
