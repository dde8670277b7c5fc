"""Every internal link and anchor of the built site resolves; external links are listed in a
report (build/test-artifacts/external-links.txt) but never fetched."""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import yaml

ROOT = Path(__file__).resolve().parents[2]
# the 404 page links absolutely, under the path of site_url
PREFIX = urlparse(yaml.safe_load((ROOT / "mkdocs.yml").read_text())["site_url"]).path


class Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.ids.add(attrs["name"])
        for name in ("href", "src"):
            if attrs.get(name) and tag in ("a", "img", "link", "script"):
                self.links.append(attrs[name])


def parse(path):
    collector = Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def test_internal_links_and_anchors_resolve(built_site, artifacts):
    parsed = {page: parse(page) for page in built_site.rglob("*.html")}
    broken, external = [], set()
    for page, collector in parsed.items():
        for link in collector.links:
            scheme = urlparse(link).scheme
            if scheme in ("http", "https"):
                external.add(link)
                continue
            if scheme in ("mailto", "data", "javascript"):
                continue
            target, anchor = urldefrag(link)
            if target.startswith(PREFIX):
                resolved = (built_site / unquote(target.removeprefix(PREFIX))).resolve()
            elif target.startswith("/"):
                broken.append(f"{page.relative_to(built_site)}: {link} (outside the site)")
                continue
            else:
                resolved = (page.parent / unquote(target)).resolve() if target else page
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.is_file():
                broken.append(f"{page.relative_to(built_site)}: {link}")
            elif anchor and resolved.suffix == ".html":
                ids = parsed[resolved].ids if resolved in parsed else parse(resolved).ids
                if anchor not in ids:
                    broken.append(f"{page.relative_to(built_site)}: {link} (no such anchor)")
    assert broken == [], "\n".join(broken)
    report = artifacts / "external-links.txt"
    report.write_text("\n".join(sorted(external)) + "\n")
    assert any("github.com/keras-team/keras" in link for link in external)
