"""Seeded generator of realistic chemical inventory rows (shared by benchmarks and tests).

``chemical_rows(n, seed)`` yields rows (lists of str) under :data:`CHEM_HEADER`; about 2% of rows carry one
realistic mistake (bad CAS check digit, unknown unit, missing SDS, non-numeric quantity, duplicate
container id,
future received date), so the validator does real work on the error path too.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

CHEM_HEADER = [
    "Container ID",
    "Chemical Name",
    "CAS Number",
    "Quantity",
    "Unit",
    "Containers",
    "Physical State",
    "Building",
    "Room",
    "Storage Location",
    "PI Name",
    "Hazard Codes",
    "SDS Link",
    "Date Received",
    "Expiration Date",
    "Concentration",
]

# name, CAS, state, hazard codes
CHEMICALS = [
    ("Acetone", "67-64-1", "liquid", "H225, H319, H336"),
    ("Methanol", "67-56-1", "liquid", "H225, H301+H311+H331, H370"),
    ("Ethanol", "64-17-5", "liquid", "H225, H319"),
    ("Sodium chloride", "7647-14-5", "solid", ""),
    ("Hydrochloric acid", "7647-01-0", "liquid", "H290, H314, H335"),
    ("Sulfuric acid", "7664-93-9", "liquid", "H290, H314"),
    ("Sodium hydroxide", "1310-73-2", "solid", "H290, H314"),
    ("Toluene", "108-88-3", "liquid", "H225, H304, H315, H336, H361d, H373"),
    ("Chloroform", "67-66-3", "liquid", "H302, H315, H319, H331, H336, H351, H361d, H372"),
    ("Dichloromethane", "75-09-2", "liquid", "H315, H319, H336, H351"),
    ("Hexane", "110-54-3", "liquid", "H225, H304, H315, H336, H361f, H373, H411"),
    ("Acetonitrile", "75-05-8", "liquid", "H225, H302+H312+H332, H319"),
    ("Water, deionized", "7732-18-5", "liquid", ""),
    ("Nitric acid", "7697-37-2", "liquid", "H272, H290, H314, H331"),
    ("Formaldehyde solution", "50-00-0", "liquid", "H301+H311+H331, H314, H317, H335, H341, H350, H370"),
    ("Phenol", "108-95-2", "solid", "H301+H311+H331, H314, H341, H373, H411"),
    ("Isopropanol", "67-63-0", "liquid", "H225, H319, H336"),
    ("Diethyl ether", "60-29-7", "liquid", "H224, H302, H336"),
    ("Ethyl acetate", "141-78-6", "liquid", "H225, H319, H336"),
    ("Benzene", "71-43-2", "liquid", "H225, H304, H315, H319, H340, H350, H372"),
    ("Sodium azide", "26628-22-8", "solid", "H300+H310, H373, H410"),
    ("Mercury", "7439-97-6", "liquid", "H330, H360D, H372, H410"),
    ("Nitrogen, compressed", "7727-37-9", "gas", "H280"),
    ("Argon, compressed", "7440-37-1", "gas", "H280"),
    ("Hydrogen peroxide 30%", "7722-84-1", "liquid", "H302, H318"),
    ("Potassium permanganate", "7722-64-7", "solid", "H272, H302, H361d, H410"),
    ("Glacial acetic acid", "64-19-7", "liquid", "H226, H314"),
    ("Ammonium hydroxide", "1336-21-6", "liquid", "H314, H335, H400"),
    ("Tris base", "77-86-1", "solid", ""),
    ("Glucose", "50-99-7", "solid", ""),
    ("Agarose", "9012-36-6", "solid", ""),
    ("Sodium dodecyl sulfate", "151-21-3", "solid", "H228, H302+H332, H315, H318, H335, H412"),
    ("Acrylamide", "79-06-1", "solid", "H301, H312+H332, H315, H317, H319, H340, H350, H361f, H372"),
    ("Ethidium bromide", "1239-45-8", "solid", "H302, H330, H341"),
    ("Dimethyl sulfoxide", "67-68-5", "liquid", ""),
    ("Tetrahydrofuran", "109-99-9", "liquid", "H225, H302, H319, H335, H336, H351"),
    ("Pyridine", "110-86-1", "liquid", "H225, H302+H312+H332, H315, H319"),
    ("Silver nitrate", "7761-88-8", "solid", "H272, H290, H314, H410"),
    ("Copper(II) sulfate pentahydrate", "7758-99-8", "solid", "H302, H315, H319, H410"),
    ("Magnesium sulfate", "7487-88-9", "solid", ""),
]
UNITS = {"liquid": ["mL", "L", "mL", "L", "gal"], "solid": ["g", "kg", "g", "mg"], "gas": ["ft3", "L"]}
SIZES = {
    "mL": ["100", "250", "500", "1000"],
    "L": ["1", "2.5", "4", "20"],
    "gal": ["1", "5"],
    "g": ["5", "25", "100", "500"],
    "kg": ["1", "2.5", "5"],
    "mg": ["100", "500"],
    "ft3": ["150", "300"],
}
BUILDINGS = ["Chemistry", "Life Sciences", "Engineering II", "Physics", "Biomedical Research", "Pharmacy"]
PIS = [
    f"{first} {last}"
    for first in ("Ana", "Ben", "Chen", "Dana", "Eli", "Fatima", "Gus", "Hana")
    for last in ("Lopez", "Smith", "Nguyen", "Okafor", "Kowalski", "Haddad")
]
LOCATIONS = [
    "Flammables cabinet",
    "Acid cabinet",
    "Base cabinet",
    "Shelf A",
    "Shelf B",
    "Fridge 1",
    "Under fume hood",
    "Gas cylinder rack",
    "Corrosives cabinet",
    "Desiccator",
]
CONCENTRATIONS = ["", "", "99%", "ACS grade", "37%", "1 M", "HPLC grade", "95%"]


def chemical_rows(n: int, seed: int = 20261129, *, error_rate: float = 0.02) -> Iterator[list[str]]:
    rng = random.Random(seed)
    base = dt.date(2019, 1, 1)
    rooms = [f"{rng.randint(1, 4)}{rng.randint(0, 40):02d}" for _ in range(60)]
    dates = [(base + dt.timedelta(days=d)).isoformat() for d in range(0, 6 * 365, 3)]
    exp_dates = [(dt.date(2027, 1, 1) + dt.timedelta(days=d)).isoformat() for d in range(0, 4 * 365, 7)]
    for i in range(n):
        name, cas, state, hazards = CHEMICALS[rng.randrange(len(CHEMICALS))]
        unit = rng.choice(UNITS[state])
        size = rng.choice(SIZES[unit])
        container = f"UC{100000000 + i:09d}"
        sds = f"https://sds.example.edu/{cas}" if hazards or rng.random() < 0.5 else ""
        row = [
            container,
            name,
            cas,
            size,
            unit,
            str(rng.choice((1, 1, 1, 2, 3, 6))),
            state,
            rng.choice(BUILDINGS),
            rng.choice(rooms),
            rng.choice(LOCATIONS),
            rng.choice(PIS),
            hazards,
            sds,
            rng.choice(dates),
            rng.choice(exp_dates),
            rng.choice(CONCENTRATIONS),
        ]
        if rng.random() < error_rate:
            kind = rng.randrange(6)
            if kind == 0:
                row[2] = cas[:-1] + str((int(cas[-1]) + 1) % 10)  # wrong check digit
            elif kind == 1:
                row[4] = rng.choice(["bottle", "each", "box"])
            elif kind == 2 and hazards:
                row[12] = rng.choice(["", "N/A", "TBD"])
            elif kind == 3:
                row[3] = rng.choice(["about 500", "500 mL", "?"])
            elif kind == 4 and i:
                row[0] = f"UC{100000000 + rng.randrange(i):09d}"
            else:
                row[13] = "2031-01-01"
        yield row


def write_chemical_csv(path: Path, n: int, seed: int = 20261129) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CHEM_HEADER)
        writer.writerows(chemical_rows(n, seed))
    return path


def write_chemical_xlsx(path: Path, n: int, seed: int = 20261129) -> Path:
    """Write with openpyxl's write-only mode (streams; memory flat)."""
    from openpyxl import Workbook

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Inventory")
    ws.append(CHEM_HEADER)
    for row in chemical_rows(n, seed):
        cells: list[object] = list(row)
        cells[3] = float(row[3]) if row[3].replace(".", "", 1).isdigit() else row[3]
        cells[5] = int(row[5])
        for j in (13, 14):
            with contextlib.suppress(ValueError):
                cells[j] = dt.date.fromisoformat(row[j])
        ws.append(cells)
    wb.save(path)
    return path
