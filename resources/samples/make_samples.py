"""Build the bundled sample spreadsheets (one per record type), each with realistic mistakes.

Run from the repository root: ``python resources/samples/make_samples.py``. The output is deterministic (fixed
dates, no randomness; workbook timestamps pinned), so re-running reproduces the committed files.

What each sample contains on purpose is listed in ``SAMPLES.md`` next to the files.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
PINNED = dt.datetime(2026, 1, 5, 9, 0, 0)


def _save(wb: Workbook, path: Path) -> None:
    wb.properties.created = PINNED
    wb.properties.modified = PINNED
    wb.properties.creator = "LabSync samples"
    wb.save(path)


def chemical_inventory_xlsx(path: Path) -> None:
    """UC room-sheet style inventory with a title block, Excel quirks and typical data-entry mistakes."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Room 2104"
    ws["A1"] = "Department of Chemistry \u2013 Chemical Inventory, Hall B room 2104"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Prepared by: J. Rivera (lab manager), reviewed 2026-01-05"
    header = ["Barcode", "Chemical Name", "CAS", "Physical State", "Building", "Room Number", "Sublocation",
              "Size", "Units", "Amount", "Hazard Codes", "SDS", "Date Received", "Expiration Date",
              "Concentration", "PI Name", "Notes"]
    ws.append([])
    ws.append(header)  # row 4
    d = dt.date
    rows = [
        ["UC000101", "Acetone", "67-64-1", "Liquid", "Hall B", "2104", "Flammables cabinet", 4, "L", 2,
         "H225, H319, H336", "SDS binder 1 p.3", d(2025, 3, 14), d(2029, 3, 1), "99.5%", "Dr. Amara Okafor", ""],
        ["UC000102", "Methanol", "67-56-1", "liquid", None, "2104", "Flammables cabinet", 1, "L", 1,
         "H225, H301+H311+H331, H370", "https://sds.example.edu/67-56-1", d(2025, 6, 2), d(2028, 6, 1),
         "ACS grade", "Dr. Amara Okafor", "Building merged from the row above"],
        ["UC000103", "Sodium chloride", "7647-14-5", "solid", None, "2104", "Shelf A", 500, "g", 1, "", "",
         d(2024, 11, 20), None, "", "Dr. Amara Okafor", "No hazards: SDS not required"],
        ["UC000104", "Hydrochloric acid", "7647-01-0", "liquid", "Hall B", "2104", "Acid cabinet", 2.5, "L", 1,
         "H290, H314, H335", "SDS binder 1 p.9", d(2025, 1, 9), d(2027, 1, 1), "37%", "Dr. Amara Okafor", ""],
        ["UC000105", "Toluene", "108-88-4", "liquid", "Hall B", "2104", "Flammables cabinet", 1, "L", 1,
         "H225, H304, H315, H336, H361d, H373", "SDS binder 1 p.12", d(2025, 2, 1), d(2029, 2, 1), "", "Dr. Amara Okafor",
         "CAS mistyped (should end in -3)"],
        ["UC000106", "Chloroform", "=VLOOKUP(B10,Lookup!A:B,2,FALSE)", "liquid", "Hall B", "2104", "Fume hood 2",
         500, "mL", 1, "H302, H315, H319, H331, H336, H351, H361d, H372", "SDS binder 1 p.15", d(2025, 4, 4),
         d(2028, 4, 1), "", "Dr. Amara Okafor", "CAS lookup formula returns #N/A"],
        ["UC000107", "Sodium azide", "26628-22-8", "solid", "Hall B", "2104", "Poison cabinet", 25, "g", 1,
         "H300+H310, H373, H410", "N/A", d(2024, 9, 30), d(2027, 9, 30), "", "Dr. Amara Okafor",
         "SDS never obtained"],
        ["UC000108", "Ethidium bromide", "1239-45-8", "solid", "Hall B", "2104", "Shelf B", 1, "bottle", 1,
         "H302, H330, H341", "SDS binder 2 p.1", d(2023, 5, 17), d(2025, 5, 17), "", "Dr. Amara Okafor",
         "Unit is not a measure; and expired"],
        ["UC000104", "Hydrochloric acid", "7647-01-0", "liquid", "Hall B", "2104", "Acid cabinet", 2.5, "L", 1,
         "H290, H314, H335", "SDS binder 1 p.9", d(2025, 1, 9), d(2027, 1, 1), "37%", "Dr. Amara Okafor",
         "Same barcode entered twice"],
        ["UC000110", "Mercury", "7439-97-6", "liquid", "Hall B", "2104", "Secondary containment", 100, "g", 1,
         "H330, H360D, H372, H410", "SDS binder 2 p.4", d(2022, 8, 1), None, "", "Dr. Amara Okafor",
         "Hidden row: stored in the hidden part of the sheet"],
        ["UC000111", "Acrylamide", "79-06-1", "solid", "Hall B", "2104", "Shelf B", 100, "g", 1,
         "H301, H312+H332, H315, H317, H319, H340, H350, H361f, H372", "SDS binder 2 p.7", d(2026, 2, 10),
         d(2030, 1, 1), "", "Dr. Amara Okafor", "Received date typed in the future"],
        ["UC000112", "Nitrogen, compressed", "7727-37-9", "gas", "Hall B", "2104", "Cylinder rack", 300, "cu ft", 1,
         "H280", "SDS binder 3 p.1", d(2025, 10, 1), None, "", "Dr. Amara Okafor", ""],
        ["UC000113", "Taq polymerase", "", "liquid", "Hall B", "2104", "Freezer -20", 250, "\u00b5L", 2,
         "", "", d(2025, 11, 3), d(2026, 11, 3), "5 U/\u00b5L", "Dr. Amara Okafor", "Mixture: no CAS number"],
        ["UC000114", "Diethyl ether", "60\u201129\u20117", "Liquid", "Hall B\u00a0", "2104", "Flammables cabinet",
         500, "ml", 1, "H224; H302; H336; EUH019", "SDS binder 1 p.20", d(2025, 7, 7), d(2026, 7, 7), "",
         "Dr. Amara Okafor", "Non-breaking space and Unicode hyphens from a copied web page"],
        ["UC000115", "Benzene", "71-43-2", "liquid", "Hall B", "2104", "Flammables cabinet", 1, "L", 1,
         "H225, H304, H315, H319, H340, H350, H372, H433", "SDS binder 1 p.22", d(2025, 3, 3), d(2029, 3, 3), "",
         "Dr. Amara Okafor", "H433 does not exist in GHS"],
        ["UC000116", "Glacial acetic acid", "64-19-7", "liquid", "Hall B", "2104", "Acid cabinet", "about 2", "L",
         1, "H226, H314", "SDS binder 1 p.25", d(2025, 8, 8), d(2029, 8, 8), "", "Dr. Amara Okafor",
         "Quantity is not a number"],
    ]
    for row in rows:
        ws.append(row)
    ws["C10"] = "#N/A"  # the cached result of the VLOOKUP above, as Excel stores it (an error cell)
    first = 5
    # Building merged over rows 5-7 (the covered cells B6/B7 are blank in the file: Excel keeps only the first).
    ws.merge_cells(start_row=first, start_column=5, end_row=first + 2, end_column=5)
    hidden_row = first + 9  # UC000110 (Mercury)
    ws.row_dimensions[hidden_row].hidden = True
    for col in ("M", "N"):
        for r in range(first, first + len(rows)):
            ws[f"{col}{r}"].number_format = "yyyy-mm-dd"
    ws.append([])
    ws.append([])
    lookup = wb.create_sheet("Lookup")
    lookup.append(["Chemical Name", "CAS"])
    lookup.append(["Acetone", "67-64-1"])
    lookup.sheet_state = "hidden"
    _save(wb, path)


def equipment_csv(path: Path) -> None:
    rows = [
        ["Asset Tag", "Description", "Award Number", "Acquisition Date", "Unit Cost", "Useful Life (Years)",
         "Depreciation Method", "Building", "Room", "Custodian", "Utilization %", "Funding Source"],
        ["UA-004512", "Confocal microscope, Zeiss LSM 980", "NSF CHE-2304567", "2025-02-14", "$612,400.00", "10",
         "Straight-line", "Life Sciences", "B120", "Dr. Chen Nguyen", "85", "NSF MRI"],
        ["UA-004513", "Ultracentrifuge, Beckman Optima XPN-100", "R01GM145678", "2024-11-05", "48,950.00", "",
         "", "Life Sciences", "B124", "Dr. Chen Nguyen", "60", "NIH R01"],
        ["UA-003377", "Gel imaging system", "R01GM145678", "2024-06-18", "7,850.00", "", "", "Life Sciences",
         "B124", "Dr. Chen Nguyen", "40", "NIH R01"],
        ["UA-003378", "Laptop for instrument control", "", "2025-01-10", "2,150.00", "", "", "Life Sciences",
         "B124", "Dr. Chen Nguyen", "100", "Department"],
        ["UA-004514", "Plate reader, BioTek Synergy H1", "NSF CHE-2304567", "2025-09-01", "41,200", "7",
         "straight line", "Life Sciences", "B120", "Dr. Chen Nguyen", "120", "NSF"],
        ["UA-004515", "-80 C freezer", "NSF CHE-2304567", "2027-03-01", "18,300.00", "10", "SL",
         "Life Sciences", "B118", "Dr. Chen Nguyen", "50", "NSF"],
        ["UA-004512", "Confocal microscope (duplicate entry)", "NSF CHE-2304567", "2025-02-14", "612,400.00",
         "10", "Straight-line", "Life Sciences", "B120", "Dr. Chen Nguyen", "85", "NSF MRI"],
        ["UA-004516", "HPLC, Agilent 1260 Infinity II", "DE-SC0021234", "2025-05-20", "-36,000.00", "8",
         "Double declining balance", "Chemistry", "2104", "Dr. Amara Okafor", "70", "DOE"],
        ["UA-004517", "Glovebox, MBraun", "DE-SC0021234", "05/20/2025", "95000", "twelve", "Straight-line",
         "Chemistry", "2108", "Dr. Amara Okafor", "90", "DOE"],
        ["", "Rotary evaporator", "DE-SC0021234", "2025-05-20", "9,800.00", "", "", "Chemistry", "2108",
         "Dr. Amara Okafor", "30", "DOE"],
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def waste_manifest_xlsx(path: Path) -> None:
    """Manifest lines with EPA Form 8700-22 item names as headers (waste codes in six columns)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Manifest lines"
    ws.append(["Uniform Hazardous Waste Manifest - waste lines, Environmental Health & Safety"])
    ws.append(["1. Generator ID Number", "4. Manifest Tracking Number", "Generator Status",
               "6. Transporter 1 U.S. EPA ID Number", "8. Designated Facility U.S. EPA ID Number",
               "9b. U.S. DOT Description", "10. Containers No.", "10. Containers Type", "11. Total Quantity",
               "12. Unit Wt./Vol.", "Waste Code 1", "Waste Code 2", "Waste Code 3", "Waste Code 4", "Waste Code 5",
               "Waste Code 6", "Accumulation Start Date"])
    d = dt.date
    rows = [
        ["CAD009452657", "012345678JJK", "LQG", "CAD982030173", "AZD049318009",
         "UN1993, Waste Flammable liquid, n.o.s. (acetone, methanol), 3, PG II", 4, "DF", 220, "G",
         "D001", "F003", "F005", None, None, None, d(2025, 12, 1)],
        ["CAD009452657", "012345678JJK", "LQG", "CAD982030173", "AZD049318009",
         "UN1789, Waste Hydrochloric acid, 8, PG II", 1, "DF", 55, "G", "D002", None, None, None, None, None,
         d(2025, 8, 15)],
        ["CAD009452657", "012345678JJK", "LQG", "CAD982030173", "AZD049318009",
         "UN2810, Waste Toxic liquid, organic, n.o.s. (chloroform), 6.1, PG III", 2, "DM", 37.5, "K",
         "D022", "U044", None, None, None, None, d(2025, 12, 20)],
        ["CA-D00945265", "12345678JJK", "Large quantity generator", "CAD982030173", "AZD049318009",
         "UN3077, Waste Environmentally hazardous substance, solid, n.o.s. (mercury), 9, PG III", 1, "CF", 5,
         "P", "D009", "U151", None, None, None, None, d(2025, 12, 10)],
        ["CAD009452657", "987654321ELC", "SQG", "ZZD982030173", "AZD049318009",
         "UN1170, Waste Ethanol solution, 3, PG II", 3, "DF", 110, "gallons", "D001", "D044", None, None, None,
         None, d(2025, 11, 1)],
        ["CAD009452657", "987654321ELC", "Academic lab (Subpart K)", "CAD982030173", "AZD049318009",
         "Lab pack: UN1992, Waste Flammable liquid, toxic, n.o.s., 3 (6.1), PG II", 12, "DF", 300, "P",
         "D001", "D002", "D003", "F002", "F003", "F005", d(2024, 10, 1)],
        ["CAD009452657", "987654321ELC", "VSQG", "CAD982030173", "AZD049318009",
         "UN1263, Waste Paint related material, 3, PG III", 1, "box", 40, "P", "D001", None, None, None, None,
         None, d(2023, 1, 1)],
    ]
    for row in rows:
        ws.append(row)
    for r in range(3, 3 + len(rows)):
        ws[f"Q{r}"].number_format = "mm/dd/yyyy"
    _save(wb, path)


def cost_share_csv(path: Path) -> None:
    rows = [
        ["Award Number", "Sponsor", "Budget Period", "Sponsor Amount", "Cost Share Amount", "Cost Share Type",
         "Required %", "Source of Funds"],
        ["CHE-2304567", "NSF", "Year 1", "$450,000.00", "$135,000.00", "Mandatory", "30", "Provost match"],
        ["CHE-2304567", "NSF", "Year 2", "$450,000.00", "$180,000.00", "mandatory", "30", "Provost match"],
        ["DMR-2212345", "National Science Foundation", "Year 1", "$300,000.00", "$25,000.00",
         "Voluntary Committed", "", "Department"],
        ["R01GM145678", "NIH", "Year 2", "$275,000.00", "$40,000.00", "voluntary committed", "", "Department"],
        ["DE-SC0021234", "DOE", "Year 1", "$500,000.00", "$0.00", "none", "", ""],
        ["CHE-2398765", "NSF", "Year 1", "$0", "$10,000.00", "voluntary-uncommitted", "", "Lab funds"],
        ["CHE-2398765", "NSF", "Year 2", "120000", "5000", "in-kind", "", "Lab funds"],
    ]
    with path.open("w", newline="", encoding="utf-8-sig") as handle:  # Excel's "CSV UTF-8" adds a BOM
        csv.writer(handle).writerows(rows)


def attestation_csv(path: Path) -> None:
    rows = [
        ["Attestation Type", "PI Name", "PI Email", "Award Number", "Period Start", "Period End", "Attested",
         "Signature Date", "Annual Salary"],
        ["Effort certification", "Dr. Chen Nguyen", "cnguyen@university.edu", "R01GM145678", "01/01/2025",
         "06/30/2025", "Yes", "07/15/2025", "$198,000"],
        ["Effort certification", "Dr. Amara Okafor", "aokafor@university.edu", "R01GM145678", "07/01/2025",
         "12/31/2025", "Yes", "12/01/2025", "$231,500"],
        ["Personnel certification", "Dana Lopez", "dlopez@university", "CHE-2304567", "01/01/2025", "12/31/2025",
         "No", "", "$82,000"],
        ["Chemical inventory review", "Dr. Amara Okafor", "aokafor@university.edu", "", "01/01/2025",
         "12/31/2025", "Yes", "", ""],
        ["Training completion", "Eli Haddad", "ehaddad@university.edu", "", "09/01/2025", "08/31/2025", "Y",
         "09/02/2025", ""],
        ["Effort certification", "Dr. Fatima Smith", "fsmith@university.edu", "R01GM145678", "01/01/2024",
         "12/31/2024", "maybe", "01/20/2025", "$222,500"],
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def main() -> None:
    chemical_inventory_xlsx(HERE / "chemical_inventory.xlsx")
    equipment_csv(HERE / "equipment.csv")
    waste_manifest_xlsx(HERE / "waste_manifest.xlsx")
    cost_share_csv(HERE / "cost_share.csv")
    attestation_csv(HERE / "attestation.csv")


if __name__ == "__main__":
    main()
