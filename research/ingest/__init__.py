"""Raw newspaper pages in: decode, repair the layout, split pages into articles and features into sections.

    >>> from research.ingest import segment_paths
    >>> run = segment_paths(["../shared/seeds/"], unit="section")   # doctest: +SKIP
    >>> [r.id for r in run][:2]                                     # doctest: +SKIP
    ['000_72fa3f510df407af:a0:s0', '000_72fa3f510df407af:a1:s0']

Modules, one concept each: ``read`` (bytes -> text, encodings), ``normalize`` (width/whitespace policy of
output fields), ``layout`` (lines, offsets, the character-coverage map), ``rules`` (every segmentation rule),
``segment`` (the page state machine), ``records`` (the :class:`Segment` record, JSONL/CSV), ``run`` (entry
points over files and folders), ``corpus`` (segments as documents for training and prediction).
"""
from .layout import FIELDS
from .read import Decoded, decode_bytes, read_page, read_text
from .records import UNITS, Segment, as_unit, segment_from_json, write_csv, write_jsonl, write_records
from .run import FileSummary, SegmentRun, expand_paths, segment, segment_file, segment_paths, spans
from .corpus import documents_from_pages, load_pages_corpus

__all__ = ["FIELDS", "UNITS", "Decoded", "FileSummary", "Segment", "SegmentRun", "as_unit", "decode_bytes",
           "documents_from_pages", "expand_paths", "load_pages_corpus", "read_page", "read_text", "segment",
           "segment_file", "segment_paths", "segment_from_json", "spans", "write_csv", "write_jsonl",
           "write_records"]
