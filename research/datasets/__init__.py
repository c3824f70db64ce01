"""Corpora: the labelled-document format, loaders, the embedded sample and the toy corpus."""
from .records import Document, read_documents, read_jsonl, write_jsonl
from .loading import Corpus, load_corpus

__all__ = ["Corpus", "Document", "load_corpus", "read_documents", "read_jsonl", "write_jsonl"]
