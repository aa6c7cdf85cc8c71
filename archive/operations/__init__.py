"""Running the archive over time: the scheduler, source health, the demo."""
