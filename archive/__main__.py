"""``python -m archive``: the same as the ``viral-archive`` command."""

from archive.cli import main

main(prog_name="viral-archive")
