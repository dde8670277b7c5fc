"""Reader-side weight of the built site: per page, HTML size, HTML size gzipped, DOM elements,
bytes transferred with compression and Lighthouse performance (simulated mobile), for the home
page and every chapter. Not part of `make test`; run by hand or by `make bench-pages`:

    python -m tests.pagebench [SITE_DIR] [--lighthouse PATH] [--runs N] [--json FILE]

SITE_DIR defaults to a fresh `mkdocs build` (outputs as they are) in a temporary folder.
Lighthouse is not a project dependency: install it outside the repository, for example
`npm install --prefix /tmp/lh lighthouse@12.2.3`, and pass /tmp/lh/node_modules/.bin/lighthouse
(or set $LIGHTHOUSE). Without it, the Lighthouse columns are left out. The site is served on
127.0.0.1 by a server that gzips text responses, as GitHub Pages does.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from runner.chapters import chapters

ROOT = Path(__file__).resolve().parents[1]
TEXT = (".html", ".css", ".js", ".svg", ".json", ".xml", ".py", ".txt")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped when the client accepts it and the file is text."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (path.suffix not in TEXT or not path.is_file()
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return _Body(body)


class _Body:
    def __init__(self, data: bytes):
        self.data = data

    def read(self, *args):
        data, self.data = self.data, b""
        return data

    def close(self):
        pass


def serve(site: Path):
    handler = functools.partial(GzipHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def build(site: Path):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SNIPPETS_EXECUTE": "0"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                    str(site)], cwd=ROOT, env=env, check=True, capture_output=True)


def lighthouse(binary: str, url: str) -> dict:
    """Performance score, DOM elements and bytes transferred of one Lighthouse run."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run(
            [binary, url, "--quiet", "--only-categories=performance", "--output=json",
             f"--output-path={report}", "--max-wait-for-load=120000",
             "--chrome-flags=--headless=new --no-sandbox"],
            env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
            check=True, capture_output=True, timeout=600)
        result = json.loads(report.read_text())
    audits, score = result["audits"], result["categories"]["performance"]["score"]
    if score is None:  # Lighthouse could not measure (e.g. the page did not load in time)
        return {"performance": None, "error": (result.get("runtimeError") or {}).get("code")}
    browser = re.search(r"(?:Headless)?Chrome/[\d.]+", result["environment"]["hostUserAgent"])
    return {"performance": round(100 * score),
            "dom_elements": int(audits["dom-size"]["numericValue"]),
            "transfer_kb": round(audits["total-byte-weight"]["numericValue"] / 1024, 1),
            "fcp_s": round(audits["first-contentful-paint"]["numericValue"] / 1000, 2),
            "lcp_s": round(audits["largest-contentful-paint"]["numericValue"] / 1000, 2),
            "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
            "tool": f"Lighthouse {result['lighthouseVersion']} on "
                    f"{browser[0] if browser else 'an unknown browser'}"}


def browser_facts(urls: list[str]) -> list[dict]:
    """DOM elements and bytes transferred (compressed, as the Resource Timing API reports
    them) of each page loaded once in Chromium at a phone's width."""
    from playwright.sync_api import sync_playwright

    facts = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROME_PATH", "/usr/bin/chromium"),
            args=["--headless=new", "--no-sandbox"])
        for url in urls:
            page = browser.new_page(viewport={"width": 412, "height": 823})
            page.goto(url, wait_until="networkidle")
            page.wait_for_function("document.readyState === 'complete'")
            facts.append(page.evaluate("""() => ({
                dom_elements: document.getElementsByTagName("*").length,
                transfer_kb: Math.round(performance.getEntries()
                    .filter((e) => "transferSize" in e)
                    .reduce((sum, e) => sum + e.transferSize, 0) / 102.4) / 10})"""))
            page.close()
        browser.close()
    return facts


def measure(site: Path, binary: str | None, runs: int, only=()) -> list[dict]:
    pages = [("home", "index.html")] + [(c.slug, f"{c.slug}/index.html") for c in chapters(ROOT)]
    pages = [page for page in pages if not only or page[0] in only]
    server, base = serve(site)
    rows = []
    try:
        urls = [f"{base}/{path.removesuffix('index.html')}" for _, path in pages]
        for (name, path), url, facts in zip(pages, urls, browser_facts(urls), strict=True):
            html = (site / path).read_bytes()
            row = {"page": name, "html_kb": round(len(html) / 1024, 1),
                   "html_gzip_kb": round(len(gzip.compress(html, 6, mtime=0)) / 1024, 1),
                   **facts}
            if binary:
                results = [lighthouse(binary, url) for _ in range(runs)]
                good = [r for r in results if r["performance"] is not None] or results[:1]
                row.update({f"lh_{key}": statistics.median(r[key] for r in good)
                            if isinstance(good[0][key], int | float) else good[0][key]
                            for key in good[0]})
                scores = [r["performance"] for r in good if r["performance"] is not None]
                if len(scores) > 1:  # Lighthouse varies by several points between runs
                    row["lh_performance_range"] = f"{min(scores)}-{max(scores)}"
            rows.append(row)
    finally:
        server.shutdown()
    return rows


def table(rows: list[dict]) -> str:
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    lines += ["| " + " | ".join(str(row.get(key, "")) for key in keys) + " |" for row in rows]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", type=Path, help="a built site (default: build one)")
    parser.add_argument("--lighthouse", default=os.environ.get("LIGHTHOUSE"))
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page (median)")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--only", nargs="*", default=(), help="pages by name (home, a slug)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        site = args.site
        if site is None:
            site = Path(folder) / "site"
            build(site)
        rows = measure(site, args.lighthouse, args.runs, args.only)
    tools = sorted({row["lh_tool"] for row in rows if "lh_tool" in row})
    print(table([{key: value for key, value in row.items() if key != "lh_tool"} for row in rows]))
    if tools:
        print(f"\nmeasured with {', '.join(tools)} (simulated mobile; scores: median of "
              f"{args.runs} run{'s' if args.runs > 1 else ''})")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
