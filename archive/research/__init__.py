"""Reading the archive for research: the query language, search, counts, exports, the
``Archive`` API for notebooks and its result types."""
