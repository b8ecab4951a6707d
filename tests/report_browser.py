"""Helpers for the report tests: headless Chromium (screenshot, network trap) and a small PNG decoder."""

from __future__ import annotations

import shutil
import socket
import struct
import subprocess
import threading
import re
import zlib
from pathlib import Path

import numpy as np

CHROMIUM = next((p for p in (shutil.which("chromium"), "/usr/bin/chromium") if p and Path(p).exists()), None)


# What Chromium itself contacts at start (component updater, time and account services), whatever the page.
CHROMIUM_SERVICE_HOSTS = frozenset({"clients2.google.com", "update.googleapis.com", "accounts.google.com"})
# Chromium's own background services (update, accounts, optimisation hints, component downloads) call
# these domains at random moments, so a blank control page does not always see the same ones; the
# report's own references are checked statically (no URL at all in the HTML: test_report_file_is_self_contained)
CHROMIUM_SERVICE_DOMAINS = ("google.com", "googleapis.com", "gvt1.com")


def page_hosts(hosts: list[str], control: list[str]) -> set[str]:
    """Hosts the page contacted: what the trap saw, less Chromium's own calls."""
    return {h for h in set(hosts) - set(control) - CHROMIUM_SERVICE_HOSTS
            if not any(h == d or h.endswith("." + d) for d in CHROMIUM_SERVICE_DOMAINS)}
HOST = re.compile(rb"(?:[a-z0-9-]+\.)+[a-z]{2,}")
HOST_HEADER = re.compile(rb"\r\nhost: *([^\r:]+)", re.I)


SNI = re.compile(rb"\x00\x00(..)(..)\x00(..)", re.S)   # server_name extension: ext, list, name lengths


def sni_hosts(head: bytes) -> list[bytes]:
    """Host names in a TLS ClientHello's server_name extension, read by its length fields (a bare
    host-name regex over the record also took the bytes after the name: 'accounts.google.comjj')."""
    out = []
    for m in SNI.finditer(head):
        ext, lst, name = (int.from_bytes(g, "big") for g in m.groups())
        host = head[m.end():m.end() + name]
        if ext == lst + 2 and lst == name + 3 and len(host) == name and HOST.fullmatch(host):
            out.append(host)
    return out


class NetworkTrap:
    """A TCP listener every host name resolves to (--host-resolver-rules): every connection opened
    (http, https, websocket, font or image fetch) is recorded with the host it asked for (HTTP Host
    header or TLS SNI). Chromium's own background calls (update and account services) are told apart
    by running a blank control page: `hosts - control` is what the page itself contacted."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.silent = 0
        self.hosts: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.settimeout(3)
            try:
                head = conn.recv(4096)
            except OSError:
                head = b""
            conn.close()
            if not head:        # a socket opened and left silent (Chromium's speculative preconnect): no request
                self.silent += 1
                continue
            found = HOST_HEADER.findall(head) or sni_hosts(head) or HOST.findall(head)
            self.hosts.append(found[0].decode() if found else "(unknown)")

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(4)          # longer than a connection's read timeout
        self.sock.close()


def screenshot(html: Path, png: Path, trap_port: int, size=(1000, 1400)) -> subprocess.CompletedProcess:
    args = [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--no-default-browser-check", f"--user-data-dir={png.parent / 'profile'}",
            f"--host-resolver-rules=MAP * 127.0.0.1:{trap_port}", f"--window-size={size[0]},{size[1]}",
            f"--screenshot={png}", html.resolve().as_uri()]
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


def _unfilter(raw: bytes, width: int, height: int, bpp: int) -> np.ndarray:
    stride = width * bpp
    out = np.zeros((height, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.int32)
    pos = 0
    for y in range(height):
        ftype, line = raw[pos], np.frombuffer(raw, np.uint8, stride, pos + 1).astype(np.int32)
        pos += stride + 1
        if ftype == 0:
            cur = line
        elif ftype == 2:
            cur = (line + prev) & 255
        else:   # sub (1), average (3), paeth (4) depend on the left pixel: byte by byte
            cur = np.zeros(stride, dtype=np.int32)
            for x in range(stride):
                a = cur[x - bpp] if x >= bpp else 0
                b, c = prev[x], prev[x - bpp] if x >= bpp else 0
                if ftype == 1:
                    pred = a
                elif ftype == 3:
                    pred = (a + b) >> 1
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                cur[x] = (line[x] + pred) & 255
        out[y] = cur
        prev = cur
    return out


def read_png(path: Path) -> np.ndarray:
    """(height, width, channels) uint8 of an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium writes)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    bpp = 4 if colour == 6 else 3
    return _unfilter(zlib.decompress(idat), width, height, bpp).reshape(height, width, bpp)
