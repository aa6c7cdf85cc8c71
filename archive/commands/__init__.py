"""The ``viral-archive`` subcommands, one module per area; ``archive.cli`` assembles them."""
