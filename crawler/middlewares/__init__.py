"""Downloader middlewares of the viral-archive crawler, one per module."""
