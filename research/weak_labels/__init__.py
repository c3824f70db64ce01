"""Weak labels as data: a versioned lexicon (rules_v1.yaml), an Aho-Corasick matcher and the labeller."""
from .labeller import WeakLabel, WeakLabeller
from .lexicon import Lexicon, load_lexicon

__all__ = ["Lexicon", "WeakLabel", "WeakLabeller", "load_lexicon"]
