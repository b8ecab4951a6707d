"""The report file of a snapshot, opened in headless Chromium: not blank, no network request."""

import base64
import re
import time

import numpy as np
import pytest

from flows.local import run_graph
from akhbar.lake import read_snapshot
from flows.report import chart_markdown, incidents_markdown, write_html_report
from tasks.publish import publish
from tests.report_browser import CHROMIUM, NetworkTrap, page_hosts, read_png, screenshot
from tests.snapshot_tables import run_row

EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["']?(?!#|data:)|url\(|@import|<script|<link|https?://""", re.I)


@pytest.fixture(scope="module")
def seed_lake(tmp_path_factory):
    out = tmp_path_factory.mktemp("lake")
    bag = run_graph("seeds", until="quarantine")
    publish(out, bag["tables"], run_row("r_seeds"))
    return out


def test_report_file_is_self_contained(seed_lake, tmp_path):
    info = write_html_report(seed_lake, dest=tmp_path / "r.html")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert info["bytes"] == (tmp_path / "r.html").stat().st_size and info["incidents"] > 0
    assert EXTERNAL.search(html) is None, EXTERNAL.search(html)
    md = incidents_markdown(dict(run_id="r_seeds", report_html=info), read_snapshot(seed_lake, ["incidents"])["incidents"])
    assert "[HTML report](file://" in md


def test_incidents_artifact_shows_the_timeline_and_map_as_embedded_images(seed_lake):
    incidents = read_snapshot(seed_lake, ["incidents"])["incidents"]
    md = incidents_markdown(dict(run_id="r_seeds", report_html=None), incidents)
    images = re.findall(r"!\[(\w+)\]\(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)\)", md)
    assert [name for name, _ in images] == ["timeline", "map"]
    assert len(md.encode()) < 500_000
    for _, b64 in images:
        svg = base64.b64decode(b64).decode("utf-8")
        assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and svg.endswith("</svg>")
        assert EXTERNAL.search(svg.replace('xmlns="http://www.w3.org/2000/svg"', "")) is None
    without_images = re.sub(r"\(data:image/svg\+xml;base64,[^)]*\)", "()", md)
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}", without_images)


def test_a_chart_over_the_budget_is_left_out_and_said_so(seed_lake):
    md = "\n".join(chart_markdown(read_snapshot(seed_lake, ["incidents"])["incidents"], budget=1000))
    assert "data:" not in md and "_timeline left out:" in md and "_map left out:" in md


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (CI installs it: .ci/run)")
def test_report_in_headless_chromium_is_not_blank_and_makes_no_request(seed_lake, tmp_path):
    info = write_html_report(seed_lake, dest=tmp_path / "r.html")
    png = tmp_path / "shot.png"
    (tmp_path / "blank.html").write_text("<!DOCTYPE html><html><body>control</body></html>", encoding="utf-8")
    with NetworkTrap() as control:      # what Chromium contacts on its own (update, account services)
        screenshot(tmp_path / "blank.html", tmp_path / "blank.png", control.port, size=(400, 300))
        time.sleep(0.5)
    with NetworkTrap() as trap:
        t0 = time.perf_counter()
        done = screenshot(tmp_path / "r.html", png, trap.port, size=(900, 1100))
        elapsed = time.perf_counter() - t0
        time.sleep(0.5)
    assert png.exists(), done.stderr[-2000:]
    pixels = read_png(png)[..., :3].astype(np.float64)
    assert pixels.shape[0] >= 1000 and pixels.std() > 20, pixels.std()           # not a blank page
    assert len(np.unique(pixels.reshape(-1, 3)[::7], axis=0)) > 50                # text, map and chart colours
    contacted = page_hosts(trap.hosts, control.hosts)
    assert not contacted, f"the page contacted {sorted(contacted)} (Chromium alone: {sorted(set(control.hosts))})"
    print(f"report {info['bytes']} bytes, rendered in {info['seconds']} s, chromium {elapsed:.1f} s")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (CI installs it: .ci/run)")
def test_the_network_trap_sees_a_page_that_fetches(tmp_path):
    """The check above is real: a page with an external image is caught."""
    page = tmp_path / "fetch.html"
    page.write_text('<!DOCTYPE html><html><body><img src="http://tiles.example.test/1.png"></body></html>',
                    encoding="utf-8")
    with NetworkTrap() as trap:
        screenshot(page, tmp_path / "f.png", trap.port, size=(300, 200))
        time.sleep(0.5)
    assert "tiles.example.test" in trap.hosts and "tiles.example.test" in page_hosts(trap.hosts, [])
    assert page_hosts(["optimizationguide-pa.googleapis.com", "evilgoogle.com"], []) == {"evilgoogle.com"}


def test_the_trap_reads_a_tls_host_by_its_length_fields():
    from tests.report_browser import sni_hosts
    name = b"accounts.google.com"
    ext = (b"\x00\x00" + (len(name) + 5).to_bytes(2, "big") + (len(name) + 3).to_bytes(2, "big") + b"\x00"
           + len(name).to_bytes(2, "big") + name)
    assert sni_hosts(b"\x16\x03\x01\x02\x00" + ext + b"jj\x00\x17") == [name]   # not 'accounts.google.comjj'
    assert sni_hosts(b"no tls here") == []
