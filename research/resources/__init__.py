"""Versioned text resources shipped with the package (user dictionary, stopwords).

A config names a resource as ``builtin:v1`` (the file shipped here) or as a path to the user's own file.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..errors import DataError

_FILES = {"user_dict": "user_dict_{version}.txt", "stopwords": "stopwords_{version}.txt"}


def resource_path(kind: str, value: str) -> Path:
    """``builtin:v1`` -> the shipped file; anything else is a path that must exist."""
    if value.startswith("builtin:"):
        name = _FILES[kind].format(version=value.split(":", 1)[1])
        item = resources.files(__name__) / name
        if not item.is_file():
            raise DataError(f"no built-in {kind} {value!r} (looked for research/resources/{name})")
        return Path(str(item))
    path = Path(value).expanduser()
    if not path.is_file():
        raise DataError(f"{kind} file not found: {path}")
    return path


def read_word_list(path: Path) -> list[str]:
    """One entry per line; jieba-style ``word [freq] [tag]`` lines keep only the word; blank/# lines skipped."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise DataError(f"{path}: word lists must be UTF-8") from None
    words: list[str] = []
    seen: set[str] = set()
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word = line.split()[0]
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words
