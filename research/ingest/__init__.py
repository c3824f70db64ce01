"""Raw newspaper pages in: decode, repair the layout, split pages into articles and features into sections;
government work reports (Markdown) in: paragraphs and sections with their heading path.

    >>> from research.ingest import segment_paths
    >>> run = segment_paths(["../shared/seeds/"], unit="section")   # doctest: +SKIP
    >>> [r.id for r in run][:2]                                     # doctest: +SKIP
    ['000_72fa3f510df407af:a0:s0', '000_72fa3f510df407af:a1:s0']

Modules, one concept each: ``read`` (bytes -> text, encodings), ``normalize`` (width/whitespace policy of
output fields), ``layout`` (lines, offsets, the character-coverage map), ``rules`` (every segmentation rule),
``segment`` (the page state machine), ``records`` (the :class:`Segment` record, JSONL/CSV), ``run`` (entry
points over files and folders), ``corpus`` (segments as documents for training and prediction), ``report``
(a report's text -> paragraph/section units, the role of every character), ``report_run`` (report files: front
matter, metadata, units with offsets into the file, JSONL/CSV of page and report records).

    >>> from research.ingest import segment_inputs
    >>> run = segment_inputs(["tests/fixtures/reports/"])   # doctest: +SKIP
    >>> [r.id for r in run][:2]                                # doctest: +SKIP
    ['major_city/郑州市/2023:p0', 'major_city/郑州市/2023:p1']
"""
from .layout import FIELDS
from .read import Decoded, decode_bytes, read_page, read_text
from .records import UNITS, Segment, as_unit, segment_from_json, write_csv, write_jsonl, write_records
from .report import REPORT_UNITS, ReportUnit, report_spans, report_units, split_front_matter
from .report_run import (ReportFile, ReportSummary, is_report_path, read_report, report_file, report_file_spans,
                         write_unit_records)
from .run import (INPUT_SUFFIXES, INPUT_UNITS, FileSummary, SegmentRun, expand_paths, iter_files, segment,
                  segment_file, segment_inputs, segment_paths, spans, unit_fits)

__all__ = ["FIELDS", "INPUT_SUFFIXES", "INPUT_UNITS", "REPORT_UNITS", "UNITS", "Decoded", "FileSummary",
           "ReportFile", "ReportSummary", "ReportUnit", "Segment", "SegmentRun", "as_unit", "decode_bytes",
           "expand_paths", "is_report_path", "iter_files", "read_page",
           "read_report", "read_text", "report_file", "report_file_spans", "report_spans", "report_units",
           "segment", "segment_file", "segment_from_json", "segment_inputs", "segment_paths", "spans",
           "split_front_matter", "unit_fits", "write_csv", "write_jsonl", "write_records", "write_unit_records"]
