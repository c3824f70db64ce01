"""Benchmarks: `python -m research.bench.pipeline` (end-to-end vs the naive pipeline), `research.bench.agreement`."""
