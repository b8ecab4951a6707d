"""akhbar: Arabic news pages to a versioned, analysis-ready conflict-event dataset."""

__version__ = "0.1.0"
