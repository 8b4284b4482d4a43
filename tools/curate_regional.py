"""Build data/gazetteer/regional.csv from cited single facts.

This is a *curation* helper, not a runtime dependency: the product only reads the CSV.
It pulls individual coordinates/names from the public reference datasets in ../shared
(OCHA COD-AB Syria/Iraq, Open-Syria data-geography / data-transport) when that folder is
present, and merges them with hand-curated rows whose coordinates come from cited public
pages (Wikipedia infoboxes, OurAirports) listed in CURATED below.

Usage:  python tools/curate_regional.py [--shared ../shared] [--out data/gazetteer/regional.csv]
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ["id", "name", "alt_names", "kind", "country", "admin1", "lat", "lon",
           "uncertainty_km", "source", "note"]

SY_ADMIN1 = {  # OCHA PCODE -> English name as reporters write it
    "SY01": "Damascus", "SY02": "Aleppo", "SY03": "Rif Dimashq", "SY04": "Homs",
    "SY05": "Hama", "SY06": "Latakia", "SY07": "Idlib", "SY08": "Al-Hasakah",
    "SY09": "Deir ez-Zor", "SY10": "Tartus", "SY11": "Raqqa", "SY12": "Daraa",
    "SY13": "As-Suwayda", "SY14": "Quneitra",
}
IQ_ADMIN1 = {  # OCHA/CSO name -> usual English
    "Al-Anbar": "Anbar", "Al-Basrah": "Basra", "Al-Muthanna": "Muthanna", "Al-Najaf": "Najaf",
    "Al-Qadissiya": "Al-Qadisiyah", "Al-Sulaymaniyah": "Sulaymaniyah", "Babil": "Babil",
    "Baghdad": "Baghdad", "Diyala": "Diyala", "Duhok": "Dohuk", "Erbil": "Erbil",
    "Kerbala": "Karbala", "Kirkuk": "Kirkuk", "Maysan": "Maysan", "Ninewa": "Nineveh",
    "Salah Al-Din": "Salah al-Din", "Thi Qar": "Dhi Qar", "Wassit": "Wasit",
}
IQ_GOV_EXTRA = {  # extra reporter spellings for Iraqi governorates
    "Anbar": ["Al-Anbar", "Al Anbar", "Anbar Province"], "Nineveh": ["Ninewa", "Nineveh Province", "Ninawa", "Neynewa"],
    "Dohuk": ["Duhok", "Dahuk", "Duhok Governorate", "Dihok", "Dihok Province"],
    "Erbil": ["Arbil", "Irbil", "Hewler", "Hewlêr", "Erbil Governorate", "Erbil Province"],
    "Sulaymaniyah": ["Al-Sulaymaniyah", "Sulaimaniya", "Sulaimani", "Slemani", "Silêmanî", "Suleimaniyah"],
    "Kirkuk": ["Karkuk", "Kerkûk", "Tamim", "At-Ta'mim"], "Salah al-Din": ["Salah Al-Din", "Salahuddin", "Saladin"],
    "Basra": ["Al-Basrah", "Basrah"], "Diyala": ["Diala"], "Baghdad": ["Bagdad"],
    "Karbala": ["Kerbala"], "Najaf": ["Al-Najaf"], "Dhi Qar": ["Thi Qar"], "Wasit": ["Wassit"],
    "Muthanna": ["Al-Muthanna"], "Al-Qadisiyah": ["Al-Qadissiya", "Qadisiyah", "Diwaniyah"],
    "Maysan": ["Missan"], "Babil": ["Babylon"],
}

# Eastern Aleppo districts included at sub-district/town level (east of Aleppo city).
FOCUS_SY_DISTRICTS = {"SY0202", "SY0205", "SY0206", "SY0207", "SY0208"}
FOCUS_SY_GOVS = {"SY08", "SY09", "SY11"}
IQ_DISTRICT_GOVS = {"Ninewa", "Duhok", "Erbil", "Al-Anbar", "Kirkuk", "Al-Sulaymaniyah"}


def slug(text: str) -> str:
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    t = re.sub(r"[^a-zA-Z0-9]+", "-", t).strip("-").lower()
    return t


def join_alts(primary: str, names) -> str:
    seen = {primary.strip().casefold()}
    out = []
    for n in names:
        if not n:
            continue
        n = n.replace("|", "/").strip()
        if "\ufffd" in n or not n:
            continue
        if n == n.lower() and re.search(r"^nahyt\b|^mrkz\b|\u02bf", n):  # machine transliterations (Open-Syria)
            continue
        k = n.casefold()
        if k in seen:
            continue
        seen.add(k)
        out.append(n)
    return "|".join(out)


def radius_km(area_km2: float, factor: float = 1.3) -> float:
    return round(max(1.0, math.sqrt(area_km2 / math.pi) * factor), 0)


class Ref:
    def __init__(self, shared: Path):
        sy, iq = shared / "reference" / "syria", shared / "reference" / "iraq"
        self.sy, self.iqdir = sy, iq
        raw = (sy / "syr_admin4_point.geojson").read_bytes().decode("utf-8", errors="replace")
        self.comm = {f["properties"]["PCODE"]: f["properties"] for f in json.loads(raw)["features"]}
        self.adm1 = [f["properties"] for f in json.loads((sy / "syr_admin1.geojson").read_text())["features"]]
        self.adm2 = [f["properties"] for f in json.loads((sy / "syr_admin2.geojson").read_text())["features"]]
        self.os_gov = {x["externalIds"]["ochaPcode"]: x for x in json.loads((sy / "opensyria_geography_governorates.json").read_text())}
        self.os_dist = {x["externalIds"]["ochaPcode"]: x for x in json.loads((sy / "opensyria_geography_districts.json").read_text())}
        self.os_sub = {x["externalIds"]["ochaPcode"]: x for x in json.loads((sy / "opensyria_geography_subdistricts.json").read_text())}
        self.transport = {x["id"]: x for x in json.loads((sy / "opensyria_transport_locations_v0.1.1.json").read_text())}
        self.iq = {}
        for lvl, fn in [(0, "irq_admbnda_adm0_cso_itos_20190603.geojson"), (1, "irq_admbnda_adm1_cso_20190603.geojson"), (2, "irq_admbnda_adm2_cso_20190603.geojson"),
                        (3, "irq_admbnda_adm3_cso_20190603.geojson")]:
            self.iq[lvl] = json.loads((iq / fn).read_text())["features"]


def os_aliases(x) -> list[str]:
    out = [x["name"].get("en"), x["name"].get("ar")]
    out += [a["value"] for a in x.get("aliases", [])]
    return out


def iq_point(feature):
    from shapely.geometry import shape
    g = shape(feature["geometry"])
    p = g.representative_point()
    lat = p.y
    area = g.area * (111.32 ** 2) * math.cos(math.radians(lat))
    return round(p.y, 5), round(p.x, 5), area


# --------------------------------------------------------------------------------------
# Hand-curated rows. "ocha:Cxxxx" in lat means: take lat/lon from the OCHA community point.
# Every other coordinate is copied from the cited public page.
# --------------------------------------------------------------------------------------
from curated_rows import CURATED, EXTRA_ALIASES, SUPPRESS  # noqa: E402


def community_row(ref: Ref, pcode: str, **kw):
    p = ref.comm[pcode]
    name = kw.pop("name", None) or p["NAME_EN"]
    lvl = p["CAPIT_LVL"]
    kind = kw.pop("kind", None) or ("city" if lvl in (0, 1, 2) else "town" if lvl == 3 else "village")
    unc = kw.pop("uncertainty_km", None) or {"city": 5.0, "town": 3.0}.get(kind, 2.0)
    alts = [p["NAME_EN"], p["NAM_EN_REF"], p["NAME_ARA"]] + kw.pop("alts", [])
    return dict(
        id=kw.pop("id", None) or "sy-" + slug(name), name=name, alt_names=alts, kind=kind, country="SY",
        admin1=SY_ADMIN1[p["ADMIN1_COD"]], lat=round(p["LATITUDE"], 5), lon=round(p["LONGITUDE"], 5),
        uncertainty_km=unc,
        source=f"OCHA COD-AB Syria communities 2015 (syr_admin4_point), PCODE {pcode}",
        note=kw.pop("note", "") or "", **kw)


def build(ref: Ref) -> list[dict]:
    rows: list[dict] = []
    # 1. curated rows first (they win id collisions); remember which reference records they used
    used_pc, used_tid = set(), set()
    for r in CURATED:
        r = dict(r)
        lat = r.get("lat")
        if isinstance(lat, str) and lat.startswith("ocha:"):
            pc = lat[5:]
            used_pc.add(pc)
            base = community_row(ref, pc, id=r["id"], name=r["name"], kind=r["kind"],
                                 uncertainty_km=r.get("uncertainty_km"), alts=r.get("alt_names", []))
            if r["kind"] not in ("city", "town", "village"):
                base["alt_names"] = list(r.get("alt_names", []))  # anchor's own names are NOT aliases
            for k in ("admin1", "note"):
                if r.get(k):
                    base[k] = r[k]
            if r.get("source"):
                base["source"] = r["source"]
            r = base
        elif isinstance(lat, str) and lat.startswith("transport:"):
            tid = lat[10:]
            used_tid.add(tid)
            x = ref.transport[tid]
            refs = "; ".join(f"{q['sourceId']} {q.get('sourceRecordId', '')}".strip() for q in x.get("sourceReferences", []))
            r["lat"], r["lon"] = round(x["coordinates"]["latitude"], 6), round(x["coordinates"]["longitude"], 6)
            r["alt_names"] = list(r.get("alt_names", [])) + os_aliases(x)
            r["source"] = r.get("source") or f"Open-Syria data-transport v0.1.1, id {tid} ({refs})"
        rows.append(r)
    self_used = (used_pc, used_tid)

    # 2. Syrian governorates
    for p in ref.adm1:
        os_ = ref.os_gov[p["PCODE"]]
        en = SY_ADMIN1[p["PCODE"]]
        rows.append(dict(id=f"sy-{slug(en)}-governorate", name=f"{en} Governorate" if en in ("Damascus",) else en,
                         alt_names=[p["NAME_EN"], p["NAME_ARA"], f"{en} Governorate", f"{en} Province"] + os_aliases(os_),
                         kind="governorate", country="SY", admin1=en,
                         lat=os_["centroid"]["latitude"], lon=os_["centroid"]["longitude"],
                         uncertainty_km=radius_km(p["AREA_SQKM"]),
                         source=f"Open-Syria data-geography governorates, id {os_['id']} (centroid; seed from GeoNames/Wikidata); OCHA COD-AB Syria admin1 PCODE {p['PCODE']}",
                         note="representative point for the whole governorate; uncertainty ~ its radius"))
    # 3. Syrian districts (OCHA 61)
    for p in ref.adm2:
        os_ = ref.os_dist.get(p["PCODE"])
        en = os_["name"]["en"] if os_ else p["NAME_EN"]
        gov = SY_ADMIN1[p["ADMIN1_COD"]]
        rows.append(dict(id=f"sy-{slug(en)}-district", name=f"{en} District",
                         alt_names=[en, p["NAME_EN"], p["NAM_EN_REF"], p["NAME_ARA"], "منطقة " + p["NAME_ARA"]] + (os_aliases(os_) if os_ else []),
                         kind="district", country="SY", admin1=gov,
                         lat=os_["centroid"]["latitude"], lon=os_["centroid"]["longitude"],
                         uncertainty_km=radius_km(p["AREA_SQKM"]),
                         source=f"Open-Syria data-geography districts, id {os_['id']} (centroid derived from geoBoundaries/OCHA polygon); OCHA COD-AB Syria admin2 PCODE {p['PCODE']}",
                         note="district representative point"))
    # 4. sub-districts of the focus area + their centre communities
    for pc, x in sorted(ref.os_sub.items()):
        if not (pc[:4] in FOCUS_SY_GOVS or pc[:6] in FOCUS_SY_DISTRICTS):
            continue
        en = x["name"]["en"]
        rows.append(dict(id=f"sy-{slug(en)}-subdistrict", name=f"{en} Subdistrict",
                         alt_names=[en] + os_aliases(x), kind="subdistrict", country="SY",
                         admin1=SY_ADMIN1[pc[:4]], lat=x["centroid"]["latitude"], lon=x["centroid"]["longitude"],
                         uncertainty_km=radius_km(x.get("area", {}).get("value", 300)),
                         source=f"Open-Syria data-geography subdistricts, id {x['id']} (centroid from geoBoundaries/OCHA polygon); OCHA PCODE {pc}",
                         note="sub-district (nahiya) representative point"))
    for pc, p in sorted(ref.comm.items()):
        if p["CAPIT_LVL"] is None:
            continue
        if not (p["ADMIN1_COD"] in FOCUS_SY_GOVS or p["ADMIN2_COD"] in FOCUS_SY_DISTRICTS):
            continue
        if pc in used_pc:
            continue
        rows.append(community_row(ref, pc, note="administrative centre (OCHA CAPIT_LVL %s)" % p["CAPIT_LVL"]))
    # 5. Open-Syria transport: border crossings + airports
    for tid, x in sorted(ref.transport.items()):
        types = x["locationTypes"]
        if "border_crossing" not in types and "airport" not in types:
            continue
        if tid in used_tid:
            continue
        kind = "crossing" if "border_crossing" in types else "airport"
        name = x["name"]["en"]
        refs = "; ".join(f"{r['sourceId']} {r.get('sourceRecordId', '')}".strip() for r in x.get("sourceReferences", []))
        gov = (x.get("administrativeLocation") or {}).get("governorateId")
        gov_en = {v["id"]: SY_ADMIN1[k] for k, v in ref.os_gov.items()}.get(gov, "")
        rows.append(dict(id=tid if tid.startswith("sy-") else "sy-" + tid, name=name,
                         alt_names=os_aliases(x), kind=kind, country="SY", admin1=gov_en,
                         lat=round(x["coordinates"]["latitude"], 6), lon=round(x["coordinates"]["longitude"], 6),
                         uncertainty_km=1.0 if kind == "crossing" else 2.0,
                         source=f"Open-Syria data-transport v0.1.1, id {tid} ({refs})",
                         note=(x.get("notes") or "")[:200]))
    # 6. Iraq governorates + districts (representative point of OCHA polygon)
    for f in ref.iq[1]:
        p = f["properties"]
        lat, lon, area = iq_point(f)
        en = IQ_ADMIN1[p["ADM1_EN"]]
        rows.append(dict(id=f"iq-{slug(en)}-governorate", name=en if en != "Baghdad" else "Baghdad Governorate",
                         alt_names=[p["ADM1_EN"], p["ADM1_AR"], "محافظة " + p["ADM1_AR"], f"{en} Governorate", f"{en} Province"] + IQ_GOV_EXTRA.get(en, []),
                         kind="governorate", country="IQ", admin1=en, lat=lat, lon=lon,
                         uncertainty_km=radius_km(area),
                         source=f"OCHA/CSO COD-AB Iraq adm1 2019 (shapely representative_point of polygon {p['ADM1_PCODE']})",
                         note="representative point computed from the governorate polygon; uncertainty ~ its radius"))
    for f in ref.iq[2]:
        p = f["properties"]
        if p["ADM1_EN"] not in IQ_DISTRICT_GOVS:
            continue
        lat, lon, area = iq_point(f)
        en = p["ADM2_EN"]
        rows.append(dict(id=f"iq-{slug(en)}-district", name=f"{en} District",
                         alt_names=[en, p["ADM2_AR"], "قضاء " + p["ADM2_AR"]],
                         kind="district", country="IQ", admin1=IQ_ADMIN1[p["ADM1_EN"]], lat=lat, lon=lon,
                         uncertainty_km=radius_km(area),
                         source=f"OCHA/CSO COD-AB Iraq adm2 2019 (shapely representative_point of polygon {p['ADM2_PCODE']})",
                         note="representative point computed from the district polygon"))

    # 6b. Iraqi sub-districts of the border governorates (Nineveh, Dohuk, Anbar)
    for f in ref.iq[3]:
        p = f["properties"]
        if p["ADM1_EN"] not in ("Ninewa", "Duhok", "Al-Anbar"):
            continue
        lat, lon, area = iq_point(f)
        en = p["ADM3_EN"]
        rows.append(dict(id=f"iq-{slug(en)}-subdistrict", name=f"{en} Subdistrict",
                         alt_names=[en, p["ADM3_AR"], "ناحية " + p["ADM3_AR"]] + ([en[7:]] if en.startswith("Markaz ") else []),
                         kind="subdistrict", country="IQ", admin1=IQ_ADMIN1[p["ADM1_EN"]], lat=lat, lon=lon,
                         uncertainty_km=radius_km(area),
                         source=f"OCHA/CSO COD-AB Iraq adm3 2019 (shapely representative_point of polygon {p['ADM3_PCODE']})",
                         note=f"sub-district (nahiya) of {p['ADM2_EN']} district; representative point computed from the polygon"))
    # 7. countries and vague regions (representative points of unions of OCHA polygons)
    from shapely.geometry import shape
    from shapely.ops import unary_union

    def union_point(features):
        g = unary_union([shape(f["geometry"]) for f in features]).buffer(0)
        p = g.representative_point()
        area = g.area * (111.32 ** 2) * math.cos(math.radians(p.y))
        return round(p.y, 5), round(p.x, 5), area

    sy1 = json.loads((ref.sy / "syr_admin1.geojson").read_text())["features"]
    lat, lon, area = union_point(sy1)
    rows.append(dict(id="sy-syria", name="Syria", kind="country", country="SY", admin1="", lat=lat, lon=lon,
                     uncertainty_km=radius_km(area), alt_names=["Syrian Arab Republic", "Syrie", "Suriye", "سوريا", "سورية", "الجمهورية العربية السورية"],
                     source="OCHA COD-AB Syria admin1 2015 (shapely representative_point of the union of the 14 governorate polygons)",
                     note="country-level representative point"))
    lat, lon, area = union_point(ref.iq[0])
    rows.append(dict(id="iq-iraq", name="Iraq", kind="country", country="IQ", admin1="", lat=lat, lon=lon,
                     uncertainty_km=radius_km(area), alt_names=["Republic of Iraq", "Irak", "العراق", "عێراق"],
                     source="OCHA/CSO COD-AB Iraq adm0 2019 (shapely representative_point of polygon IQ)",
                     note="country-level representative point"))
    ne = [f for f in sy1 if f["properties"]["PCODE"] in ("SY08", "SY09", "SY11")]
    lat, lon, area = union_point(ne)
    for rid, name, alts in [
        ("sy-trans-euphrates", "Trans-Euphrates", ["east of the Euphrates", "East Euphrates", "east Euphrates", "Transeuphrates",
                                                     "Trans-Euphrates region", "شرق الفرات", "منطقة شرق الفرات"]),
        ("sy-northeast-syria", "Northeast Syria", ["North and East Syria", "NE Syria", "NES", "AANES", "Rojava", "Autonomous Administration",
                                                    "شمال شرق سوريا", "شمال وشرق سوريا", "الإدارة الذاتية"])]:
        rows.append(dict(id=rid, name=name, kind="region", country="SY", admin1="", lat=lat, lon=lon,
                         uncertainty_km=max(200.0, radius_km(area)), alt_names=alts,
                         source="OCHA COD-AB Syria admin1 2015 (shapely representative_point of the union of Al-Hasakah SY08, Raqqa SY11 and Deir ez-Zor SY09 polygons)",
                         note="vague political/geographic region; the point is only a representative point of the three NE governorates; do not plot as a precise location"))
    hs = [f for f in sy1 if f["properties"]["PCODE"] == "SY08"]
    lat, lon, area = union_point(hs)
    rows.append(dict(id="sy-jazira", name="Jazira", kind="region", country="SY", admin1="Al-Hasakah", lat=lat, lon=lon,
                     uncertainty_km=150, alt_names=["Al-Jazira", "Jazirah", "al-Jazeera region", "Jezire", "Cizîrê", "Jazira region",
                                                     "Syrian Jazira", "Upper Mesopotamia (Syria)", "الجزيرة", "الجزيرة السورية"],
                     source="OCHA COD-AB Syria admin1 2015 (shapely representative_point of Al-Hasakah governorate polygon SY08)",
                     note="Jazira (Upper Mesopotamia) in Syrian usage ~ Al-Hasakah governorate (AANES 'Jazira Region'); vague region"))
    kri = [f for f in ref.iq[1] if f["properties"]["ADM1_EN"] in ("Duhok", "Erbil", "Al-Sulaymaniyah")]
    lat, lon, area = union_point(kri)
    rows.append(dict(id="iq-kurdistan-region", name="Kurdistan Region of Iraq", kind="region", country="IQ", admin1="", lat=lat, lon=lon,
                     uncertainty_km=max(200.0, radius_km(area)),
                     alt_names=["Kurdistan Region", "KRI", "KRG", "Iraqi Kurdistan", "Kurdistan Regional Government", "Northern Iraq (Kurdistan)",
                                "Başur", "Bashur", "إقليم كردستان", "إقليم كردستان العراق", "كردستان العراق", "هەرێمی کوردستان"],
                     source="OCHA/CSO COD-AB Iraq adm1 2019 (shapely representative_point of the union of Duhok IQG09, Erbil IQG11 and Al-Sulaymaniyah IQG06 polygons)",
                     note="region; excludes disputed territories; point is only representative"))
    return rows


def finalize(rows: list[dict]) -> list[dict]:
    out, seen = [], set()
    for r in rows:
        if r["id"] in SUPPRESS:
            continue
        rid = r["id"]
        if rid in seen:
            n = 2
            while f"{rid}-{n}" in seen:
                n += 1
            rid = f"{rid}-{n}"
        seen.add(rid)
        alts = r.get("alt_names") or []
        if isinstance(alts, str):
            alts = alts.split("|")
        alts = list(alts) + EXTRA_ALIASES.get(rid, [])
        out.append(dict(id=rid, name=r["name"], alt_names=join_alts(r["name"], alts), kind=r["kind"],
                        country=r["country"], admin1=r.get("admin1") or "",
                        lat=f"{float(r['lat']):.5f}", lon=f"{float(r['lon']):.5f}",
                        uncertainty_km=f"{float(r['uncertainty_km']):g}", source=r["source"], note=r.get("note") or ""))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--out", default=str(ROOT / "data" / "gazetteer" / "regional.csv"))
    a = ap.parse_args(argv)
    shared = Path(a.shared)
    if not (shared / "reference").is_dir():
        sys.exit(f"reference data not found under {shared}; this curation tool needs it")
    rows = finalize(build(Ref(shared)))
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    with open(a.out, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {a.out}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
