"""Topic models over token lists: an sklearn-style LDA transformer with interchangeable training engines."""
from .lda import LdaTopics

__all__ = ["LdaTopics"]
