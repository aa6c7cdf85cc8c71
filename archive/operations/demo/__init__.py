"""The bundled demo: three small news sites served locally, crawled into a fresh archive."""
