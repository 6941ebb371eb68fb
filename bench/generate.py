"""Realistic synthetic maliterm files for the benchmark: same seed, same bytes.

`python bench/generate.py 100000` writes bench/data/events-100000.json. Actors are a tenth
of the events and relations a fifth, as in a national dataset: names with accents and
transliteration variants as aliases, groups that split, merge and rename (chains and
DAGs), contested facts, every date precision, approximate dates and ranges. A few big
actors take a large share of the events (5% for the biggest), as in real data.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from maliterm import model as m  # noqa: E402
from maliterm.storage import dumps  # noqa: E402
from maliterm.validate import validate  # noqa: E402

DATA_DIR = Path(__file__).parent / "data"
SEED = 20151120

SYLLABLES = ("ma", "si", "ka", "ti", "ba", "dou", "gou", "tim", "bouk", "tou", "sé", "va", "ré",
             "mé", "na", "ké", "dia", "fa", "lé", "kou", "ou", "mo", "rab", "iss", "ag", "ham", "zé")
GROUP_WORDS = ("Katiba", "Front", "Mouvement", "Brigade", "Ansar", "Jamaat", "Coordination", "Groupe",
               "Alliance", "Conseil")
GROUP_TAILS = ("du Macina", "de l'Azawad", "pour l'unité", "des fidèles", "du Sahel", "al-Furqan",
               "de libération", "des Mourabitoune", "d'autodéfense", "du Gourma")
FIRST = ("Mokhtar", "Iyad", "Amadou", "Hamadou", "Abdelmalek", "Sidi", "Moussa", "Ousmane", "Aïcha",
         "Fatoumata", "Adnan", "Ibrahim", "Souleymane", "Mahamadou", "Djibril")
LAST = ("Belmokhtar", "Ag Ghaly", "Koufa", "Droukdel", "Traoré", "Keïta", "Maïga", "Diallo", "Touré",
        "Cissé", "Sanogo", "Ould Hamaha", "al-Sahraoui", "Coulibaly", "Dicko")
WORDS = ("attaque", "convoi", "village", "poste", "marché", "route", "mine", "patrouille", "camp",
         "otages", "négociation", "milice", "forces", "armée", "préfet", "élection", "déplacés",
         "frontière", "embuscade", "drone", "sécurité", "communiqué", "enlèvement", "réfugiés")
EVENT_VERBS = {"attack": "Attack on", "battle": "Clashes near", "airstrike": "Airstrike near",
               "kidnapping": "Kidnapping in", "hostage_taking": "Hostages taken in",
               "military_operation": "Operation around", "political": "Talks in", "statement": "Statement on",
               "offensive": "Offensive on", "territorial_change": "Control changes in",
               "designation": "Designation over", "other": "Incident in"}
LINEAGE_SHARE = 0.4  # of relations: splits, mergers and renames


class Gen:
    def __init__(self, events: int, seed: int = SEED) -> None:
        self.r = random.Random(seed)
        self.n = events
        self.used: set[str] = {"meta"}

    def slug(self, *parts: str) -> str:
        from maliterm.slugs import unique_slug

        slug = unique_slug(" ".join(p for p in parts if p), self.used)
        self.used.add(slug)
        return slug

    def word(self, k: int = 2) -> str:
        return "".join(self.r.choice(SYLLABLES) for _ in range(k)).capitalize()

    def prose(self, k: int) -> str:
        return " ".join(self.r.choice(WORDS) for _ in range(k)).capitalize() + "."

    def date(self, lo: int = 1990, hi: int = 2024) -> str:
        """Every precision: mostly days, then months, years, approximate dates and ranges."""
        r = self.r
        y, mo, d = r.randint(lo, hi), r.randint(1, 12), r.randint(1, 28)
        p = r.random()
        if p < 0.70:
            return f"{y:04d}-{mo:02d}-{d:02d}"
        if p < 0.85:
            return f"{y:04d}-{mo:02d}"
        if p < 0.92:
            return f"{y:04d}"
        if p < 0.96:
            return r.choice((f"{y:04d}~", f"{y:04d}-{mo:02d}~", f"{y:04d}-{mo:02d}-{d:02d}~"))
        end = y + r.randint(0, 2)
        return r.choice((f"{y:04d}-{mo:02d}/{end:04d}-12", f"{y:04d}/{end:04d}~", f"{y:04d}-{mo:02d}-{d:02d}/{end:04d}"))

    def cite(self) -> list[dict]:
        return [{"source": self.r.choice(self.sources), "loc": f"para {self.r.randint(1, 60)}"}
                for _ in range(1 if self.r.random() < 0.85 else 2)]

    def facts(self, about: str, rate: float) -> list[dict]:
        """Some facts with one claim, some corroborated, some contested with two or three sides."""
        if self.r.random() >= rate:
            return []
        contested = self.r.random() < 0.4
        claims = []
        for _ in range(self.r.randint(2, 3) if contested else self.r.randint(1, 2)):
            claim = {"text": self.prose(8), "cite": self.cite(), "value": self.r.randint(1, 300), "unit": about}
            if self.r.random() < 0.5:
                claim["by"] = self.r.choice(self.actor_ids)
                claim["credibility"] = self.r.randint(1, 6)
            claims.append(claim)
        fact = {"about": about, "claims": claims, "date": self.date()}
        if contested:
            fact["contested"] = True
        return [fact]

    def build(self) -> dict:
        r = self.r
        n_actors, n_relations = max(self.n // 10, 20), max(self.n // 5, 20)
        self.sources = [self.slug("src", self.word(3)) for _ in range(max(self.n // 100, 5))]
        sources = {s: {"id": s, "title": f"Rapport {s}", "kind": r.choice(m.SOURCE_KINDS),
                       "reliability": r.choice(m.RELIABILITY_GRADES), "published": self.date(2000)}
                   for s in self.sources}
        actors: dict[str, dict] = {}
        self.actor_ids = []
        groups: list[str] = []
        for i in range(n_actors):
            if r.random() < 0.35:
                name, kind = f"{r.choice(FIRST)} {r.choice(LAST)}", "person"
            else:
                name, kind = f"{r.choice(GROUP_WORDS)} {self.word()} {r.choice(GROUP_TAILS)}", r.choice(
                    ("armed_group",) * 6 + ("armed_force", "state", "intl_org", "ngo", "operation"))
            aid = self.slug(name)
            rec = {"id": aid, "name": name, "kind": kind, "cite": self.cite(), "summary": self.prose(12)}
            # Transliteration variants, as sources spell them: Mourabitoun / Murabitun / al-Mourabitoun.
            if r.random() < 0.6:
                rec["aliases"] = [name.replace("ou", "u"), "al-" + name.split()[-1], name.upper()][: r.randint(1, 3)]
            if r.random() < 0.7:
                rec["active"] = self.date(1990, 2020)
            actors[aid] = rec
            self.actor_ids.append(aid)
            if kind == "armed_group":
                groups.append(aid)
        for rec in actors.values():
            if facts := self.facts("fighters", 0.2):
                rec["facts"] = facts

        places: dict[str, dict] = {}
        countries = [self.slug("pays", self.word()) for _ in range(5)]
        for c in countries:
            places[c] = {"id": c, "name": self.word(3), "kind": "country", "cite": self.cite()}
        regions = []
        for _ in range(max(self.n // 500, 5)):
            pid = self.slug("region", self.word())
            places[pid] = {"id": pid, "name": "Région de " + self.word(), "kind": "region", "cite": self.cite(),
                           "country": r.choice(countries)}
            regions.append(pid)
        for _ in range(max(self.n // 50, 10)):
            name = self.word(r.randint(2, 3))
            pid = self.slug(name)
            rec = {"id": pid, "name": name, "kind": r.choice(("city", "town", "village", "village")),
                   "cite": self.cite(), "within": r.choice(regions)}
            rec["country"] = places[rec["within"]]["country"]
            if r.random() < 0.7:
                rec["coords"] = {"lat": round(r.uniform(10, 25), 4), "lon": round(r.uniform(-12, 5), 4)}
            if r.random() < 0.3:
                rec["aliases"] = [name.replace("ou", "u")]
            places[pid] = rec
        place_ids = list(places)

        # A few big actors take a large share: the biggest is in 5% of the events.
        cum, total = [], 0.0
        for k in range(1, len(self.actor_ids)):
            total += 1 / k ** 1.1
            cum.append(total)
        top_share = 0.05
        events: dict[str, dict] = {}
        for i in range(self.n):
            etype = r.choice(m.EVENT_TYPES)
            place = r.choice(place_ids)
            who = [self.actor_ids[0]] if r.random() < top_share else []
            who += r.choices(self.actor_ids[1:], cum_weights=cum, k=r.randint(1, 3))
            title = f"{EVENT_VERBS[etype]} {places[place]['name']}"
            eid = self.slug(title, str(i))
            rec = {"id": eid, "date": self.date(), "title": title, "type": etype, "cite": self.cite(),
                   "summary": self.prose(r.randint(4, 9)),
                   "actors": [{"actor": a, "role": r.choice(m.EVENT_ROLES)} for a in dict.fromkeys(who)]}
            if r.random() < 0.9:
                rec["place"] = place
            if r.random() < 0.4:
                rec["casualties"] = [{"kind": r.choice(m.CASUALTY_KINDS), "count": r.randint(0, 80),
                                      "qualifier": r.choice(m.CASUALTY_QUALIFIERS), "who": "civilians",
                                      "counted_by": "local officials", "cite": self.cite()}]
            if facts := self.facts("death toll", 0.1):
                rec["facts"] = facts
            events[eid] = rec
        event_ids = list(events)

        relations: dict[str, dict] = {}

        def relate(src: str, kind: str, dst: str, **extra) -> None:
            rid = self.slug(src[:30], kind.replace("_", "-"), dst[:30])
            relations[rid] = {"id": rid, "from": src, "type": kind, "to": dst, "cite": self.cite(), **extra}

        # Lineage: each group comes from older ones (a DAG). Splits make chains, mergers join two
        # constituents into one successor, renames continue a line under a new name.
        n_lineage = int(n_relations * LINEAGE_SHARE)
        order = groups[:]
        r.shuffle(order)
        made = 0
        for k in range(1, len(order)):
            if made >= n_lineage:
                break
            young = order[k]
            older = order[max(0, k - 200):k]
            p = r.random()
            when = self.date(1990, 2022)
            if p < 0.55:
                relate(young, "splinter_of", r.choice(older), start=when)
                made += 1
            elif p < 0.8 and len(older) >= 2:
                for parent in r.sample(older, 2):
                    relate(parent, "merged_into", young, start=when)
                made += 2
            else:
                relate(r.choice(older), "renamed_to", young, start=when)
                made += 1
        others = ("allied_with", "rival_of", "affiliate_of", "leads", "member_of", "founded", "commands",
                  "claimed")
        while len(relations) < n_relations:
            kind = r.choice(others)
            a = r.choice(self.actor_ids)
            b = r.choice(event_ids) if kind == "claimed" else r.choice(self.actor_ids)
            if a == b:
                continue
            extra = {"start": self.date(1990, 2015)} if r.random() < 0.5 else {}
            if extra and r.random() < 0.3:
                extra["end"] = self.date(2016, 2024)
            if r.random() < 0.2:
                extra["summary"] = self.prose(10)
            relate(a, kind, b, **extra)

        quotes = {}
        for i in range(max(self.n // 20, 5)):
            qid = self.slug("q", str(i))
            quotes[qid] = {"id": qid, "speaker": r.choice(self.actor_ids), "text": self.prose(12),
                           "date": self.date(), "role": "porte-parole", "cite": self.cite()}
        meta = {"id": "meta", "schema_version": m.SCHEMA_VERSION, "title": f"Synthetic Sahel, {self.n} events"}
        return {"meta": {"meta": meta}, "sources": sources, "actors": actors, "places": places,
                "events": events, "relations": relations, "quotes": quotes}


# ---- ACLED export layout ------------------------------------------------------------------

ACLED_COUNTRIES = (("Mali", "MLI", 466), ("Burkina Faso", "BFA", 854), ("Niger", "NER", 562),
                   ("Nigeria", "NGA", 566), ("Chad", "TCD", 148), ("Mauritania", "MRT", 478))
ACLED_TYPES = (  # (disorder_type, event_type, sub_event_type, share)
    ("Political violence", "Battles", "Armed clash", 0.22),
    ("Political violence", "Battles", "Government regains territory", 0.02),
    ("Political violence", "Battles", "Non-state actor overtakes territory", 0.02),
    ("Political violence", "Violence against civilians", "Attack", 0.2),
    ("Political violence", "Violence against civilians", "Abduction/forced disappearance", 0.06),
    ("Political violence", "Explosions/Remote violence", "Remote explosive/landmine/IED", 0.07),
    ("Political violence", "Explosions/Remote violence", "Air/drone strike", 0.05),
    ("Political violence", "Explosions/Remote violence", "Shelling/artillery/missile attack", 0.03),
    ("Demonstrations", "Protests", "Peaceful protest", 0.15),
    ("Demonstrations", "Riots", "Violent demonstration", 0.05),
    ("Strategic developments", "Strategic developments", "Looting/property destruction", 0.06),
    ("Strategic developments", "Strategic developments", "Headquarters or base established", 0.02),
    ("Strategic developments", "Strategic developments", "Agreement", 0.05),
)
ACLED_INTER = ("State forces", "Rebel groups", "Political militias", "Identity militias", "Rioters",
               "Protesters", "Civilians", "External/Other forces")
ACLED_OUTLETS = ("Le Monde", "Studio Tamani", "Radio France Internationale", "Maliweb", "Menastream", "Al Jazeera",
                 "Human Rights Watch", "Reuters", "AFP", "Twitter", "Le Faso", "Sahel Intelligence", "ActuNiger",
                 "Premium Times", "Jeune Afrique", "Xinhua", "Anadolu Agency", "Kibaru", "Aïr Info", "Burkina24")
ACLED_SCALES = ("National", "International", "Local partner-National", "National-International", "Other",
                "Subnational", "New media")
NOTE_VERBS = ("clashed with", "attacked", "ambushed", "abducted members of", "fired on", "looted a shop owned by",
              "burned houses belonging to", "negotiated with", "arrested", "killed")
NOTE_TAILS = ("near the market", "on the road out of town", "at a checkpoint", "around the well",
              "during the night", "after Friday prayers", "outside the military camp", "in the fields",
              "at the weekly fair", "close to the border")


class AcledGen:
    """Rows in ACLED's export layout (maliterm.interchange.acled.COLUMNS), as a real pull looks:
    a few hundred named actors (a handful in most rows), a few thousand locations each with one
    fixed point inside one admin chain, outlets repeating, notes of one or two sentences."""

    def __init__(self, rows: int, seed: int = SEED) -> None:
        self.r = random.Random(seed)
        self.n = rows
        r = self.r
        self.actors: list[tuple[str, str]] = []  # (name, inter label)
        for i in range(max(rows // 200, 40)):
            country = r.choice(ACLED_COUNTRIES)[0]
            p = r.random()
            if p < 0.15:
                name, inter = f"Military Forces of {country} ({r.randint(1990, 2021)}-)", "State forces"
            elif p < 0.2:
                name, inter = f"Police Forces of {country} ({r.randint(1990, 2021)}-)", "State forces"
            elif p < 0.55:
                short = self.word(2).upper()
                name, inter = f"{short}: {r.choice(GROUP_WORDS)} {self.word()} {r.choice(GROUP_TAILS)}", "Rebel groups"
            elif p < 0.8:
                name, inter = f"{self.word()} Communal Militia ({country})", "Identity militias"
            elif p < 0.9:
                name, inter = f"{self.word()} Ethnic Group ({country})", "Identity militias"
            else:
                name, inter = f"Unidentified Armed Group ({country}) {i}", "Political militias"
            self.actors.append((name, inter))
        self.weights = [1 / (k + 1) ** 0.9 for k in range(len(self.actors))]
        self.places: list[tuple] = []  # (country, iso3, iso, admin1, admin2, admin3, location, lat, lon)
        for country, iso3, iso in ACLED_COUNTRIES:
            for _ in range(r.randint(4, 10)):
                a1 = self.word(2)
                for _ in range(r.randint(2, 6)):
                    a2 = self.word(3)
                    for _ in range(r.randint(2, 6)):
                        a3 = self.word(2)
                        for _ in range(r.randint(1, 8)):
                            loc = self.word(r.randint(2, 3))
                            self.places.append((country, iso3, iso, a1, a2, a3, loc,
                                                round(r.uniform(10, 22), 4), round(r.uniform(-12, 15), 4)))
        self.type_weights = [t[3] for t in ACLED_TYPES]

    def word(self, k: int = 2) -> str:
        return "".join(self.r.choice(SYLLABLES) for _ in range(k)).capitalize()

    def actor(self) -> tuple[str, str]:
        return self.r.choices(self.actors, weights=self.weights)[0]

    def rows(self):
        r = self.r
        yield list(_acled_columns())
        counters = {iso3: 1000 for _, iso3, _ in ACLED_COUNTRIES}
        for _ in range(self.n):
            disorder, etype, sub, _share = r.choices(ACLED_TYPES, weights=self.type_weights)[0]
            country, iso3, iso, a1, a2, a3, loc, lat, lon = r.choice(self.places)
            counters[iso3] += r.randint(1, 3)
            y, mo, d = r.randint(1997, 2024), r.randint(1, 12), r.randint(1, 28)
            precision = r.choices("123", weights=(85, 10, 5))[0]
            actor1, inter1 = self.actor()
            assoc1 = self.actor()[0] if r.random() < 0.15 else ""
            if etype in ("Protests", "Riots"):
                actor1, inter1 = f"{'Protesters' if etype == 'Protests' else 'Rioters'} ({country})", \
                    "Protesters" if etype == "Protests" else "Rioters"
                actor2, inter2 = (f"Police Forces of {country} (2021-)", "State forces") if r.random() < 0.3 else ("", "")
            elif etype == "Violence against civilians":
                actor2, inter2 = f"Civilians ({country})", "Civilians"
            else:
                actor2, inter2 = self.actor() if r.random() < 0.85 else ("", "")
            if actor2 == actor1:
                actor2, inter2 = "", ""
            assoc2 = self.actor()[0] if actor2 and r.random() < 0.2 else ""
            if assoc2 in (actor1, actor2, assoc1):
                assoc2 = ""
            if assoc1 in (actor1, actor2):
                assoc1 = ""
            outlets = "; ".join(r.sample(ACLED_OUTLETS, r.choices((1, 2, 3), weights=(60, 30, 10))[0]))
            killed = r.choices((0, r.randint(1, 5), r.randint(6, 60)), weights=(55, 30, 15))[0]
            notes = (f"On {d} {('January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December')[mo - 1]} {y}, "
                     f"{actor1.split(':')[0].split(' (')[0]} {r.choice(NOTE_VERBS)} "
                     f"{(actor2 or 'residents').split(':')[0].split(' (')[0]} {r.choice(NOTE_TAILS)} in {loc} "
                     f"({a2}, {a1}).")
            if r.random() < 0.6:
                notes += f" {killed or 'No'} fatalities reported." if r.random() < 0.5 else \
                    f" [size=no report] {self.word(3)} residents fled towards {self.word(2)}."
            yield [f"{iso3}{counters[iso3]}", f"{y:04d}-{mo:02d}-{d:02d}", str(y), precision, disorder, etype, sub,
                   actor1, assoc1, inter1, actor2, assoc2, inter2, str(r.randint(10, 88)),
                   "Civilian targeting" if etype == "Violence against civilians" else "", str(iso), "Western Africa",
                   country, a1, a2, a3 if r.random() < 0.9 else "", loc, f"{lat:.4f}", f"{lon:.4f}",
                   r.choice("1112"), outlets, r.choice(ACLED_SCALES), notes, str(killed), "",
                   str(1_600_000_000 + r.randint(0, 100_000_000))]


def _acled_columns() -> tuple[str, ...]:
    from maliterm.interchange.acled import COLUMNS

    return COLUMNS


def acled_path_for(rows: int) -> Path:
    version = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:8]
    return DATA_DIR / f"acled-{rows}-{version}.csv"


def generate_acled(rows: int) -> Path:
    """An ACLED-layout CSV of `rows` rows (about 450 bytes each), same seed, same bytes."""
    import csv

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = acled_path_for(rows)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(AcledGen(rows).rows())
    tmp.replace(path)
    return path


def ensure_acled(rows: int) -> Path:
    path = acled_path_for(rows)
    return path if path.exists() else generate_acled(rows)


def path_for(events: int) -> Path:
    """Named after this generator's source too, so a changed generator never reuses an old file."""
    version = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:8]
    return DATA_DIR / f"events-{events}-{version}.json"


def generate(events: int, check: bool = True) -> Path:
    data = Gen(events).build()
    if check:
        problems = validate(data, f"synthetic-{events}")
        if problems:
            raise SystemExit("generator made an invalid file:\n" + "\n".join(map(str, problems[:20])))
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = path_for(events)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(dumps(data))
    tmp.replace(path)
    return path


def ensure(events: int) -> Path:
    """The file for `events`, generated first if absent."""
    path = path_for(events)
    return path if path.exists() else generate(events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 10000, 100000], help="events per file")
    parser.add_argument("--acled", action="store_true", help="write ACLED-layout CSVs of that many rows instead")
    args = parser.parse_args()
    for n in args.sizes:
        path = generate_acled(n) if args.acled else generate(n)
        print(f"{path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
