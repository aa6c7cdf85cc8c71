"""Writing and maintaining the archive: articles with their versions and raw pages,
sources, imports, the crawler's URL states and locks, re-extraction."""
