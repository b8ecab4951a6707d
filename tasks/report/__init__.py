"""The HTML report of a snapshot (pure: frames in, one self-contained HTML string out)."""

from tasks.report.page import chart_images, render_report

REPORT_TABLES = ("incidents", "events", "sentences", "articles")

__all__ = ["REPORT_TABLES", "chart_images", "render_report"]
