"""Interoperability with the reference clients of STIX 2.1 and TAXII 2.1 (OASIS's `stix2` and
`taxii2-client` libraries), driven by tests/share.rs. Prints one JSON line for the test to check.

  parse BUNDLE...          every object of each sokenh bundle parsed by stix2 (strict: only the
                           `x_` properties STIX allows are custom)
  read URL TOKEN PER_PAGE  sokenh's TAXII server read with taxii2-client: discovery, API root,
                           collections, objects page by page, manifest; each object parsed
  write FILE               a bundle written by stix2 (an identity, an indicator, TLP:GREEN)
"""
import json
import sys

import stix2
from taxii2client.common import TokenAuth
from taxii2client.v21 import Server, as_pages


def parse(paths):
    kinds = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            bundle = stix2.parse(f.read(), allow_custom=True)
        for o in bundle.objects:
            kinds[o.type] = kinds.get(o.type, 0) + 1
    print(json.dumps({"parsed": kinds}))


def read(url, token, per_page):
    server = Server(url, auth=TokenAuth(key=token))
    root = server.api_roots[0]
    collections = root.collections
    c = collections[0]
    ids, pages = [], 0
    for envelope in as_pages(c.get_objects, per_request=int(per_page)):
        pages += 1
        for o in envelope.get("objects", []):
            stix2.parse(o, allow_custom=True)
            ids.append(o["id"])
    manifest = c.get_manifest()
    print(json.dumps({
        "title": server.title,
        "api_roots": len(server.api_roots),
        "versions": root.versions,
        "collections": len(collections),
        "can_read": c.can_read,
        "pages": pages,
        "objects": ids,
        "manifest": len(manifest.get("objects", [])),
    }))


def write(path):
    who = stix2.Identity(name="Công an xã Mẫu Sơn", identity_class="organization")
    indicator = stix2.Indicator(
        name="Tên miền giả cổng dịch vụ công",
        pattern="[domain-name:value = 'dichvucong-hoso.top']",
        pattern_type="stix",
        valid_from="2026-11-01T00:00:00Z",
        created_by_ref=who.id,
        object_marking_refs=[stix2.TLP_GREEN],
    )
    with open(path, "w", encoding="utf-8") as f:
        f.write(stix2.Bundle(who, indicator, stix2.TLP_GREEN).serialize())
    print(json.dumps({"indicator": indicator.id, "identity": who.id}))


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    {"parse": parse, "read": lambda a: read(*a), "write": lambda a: write(*a)}[command](args)
