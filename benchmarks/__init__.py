"""Benchmarks of viral-archive against named peers; see docs/benchmarks.md."""
