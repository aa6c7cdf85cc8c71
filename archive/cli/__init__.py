"""The ``viral-archive`` command: click commands over the library, one module per area."""

from archive.cli.main import main

__all__ = ["main"]
