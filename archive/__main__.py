"""``python -m archive``: the same as the ``viral-archive`` command."""

from archive.cli import main

# guarded: worker processes (archive.core.processes) may import this module again
if __name__ == "__main__":
    main(prog_name="viral-archive")
