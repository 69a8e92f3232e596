"""The policy's code lists cross-checked against the shared public corpora (read at test time, not copied)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.validation.policy import expand_codes, load_policy


def test_policy_is_versioned() -> None:
    policy = load_policy()
    assert policy.version
    assert policy.effective
    assert load_policy() is policy  # cached


def test_expand_codes() -> None:
    assert expand_codes(["K001-K003", "P205"]) == {"K001", "K002", "K003", "P205"}
    with pytest.raises(ValueError, match="bad code range"):
        expand_codes(["K010-K001"])


def _ghs_corpus(corpora: Path) -> tuple[set[str], set[str], set[str]]:
    text = (corpora / "ghs-codes" / "ghscode_10.txt").read_bytes().decode("cp1252")
    current, deleted, combos = set(), set(), set()
    for line in text.splitlines()[1:]:
        cells = line.split("\t")
        code = cells[0].strip()
        if not code.startswith("H"):
            continue
        if "+" in code:
            combos.add(code)
        elif cells[1].strip().startswith("(Deleted)"):
            deleted.add(code)
        else:
            current.add(code)
    return current, deleted, combos


def test_ghs_list_covers_the_corpus(corpora: Path) -> None:
    policy = load_policy().ghs
    ours = policy.h_codes | policy.h_suffixed
    current, deleted, combos = _ghs_corpus(corpora)
    assert current - deleted <= ours, sorted(current - deleted - ours)
    assert deleted <= ours  # still found on older SDSs
    for combo in combos:  # every combined statement is made of known parts
        assert all(part in ours for part in combo.split("+")), combo
    assert not {f"H{n}" for n in range(430, 434)} & ours  # there is no H430-H433 in GHS


def test_euh_list_matches_the_corpus(corpora: Path) -> None:
    data = json.loads((corpora / "ghs-codes" / "euh_statements.json").read_text(encoding="utf-8"))
    assert set(data["euh"]) <= load_policy().ghs.euh_codes


def _federal(corpora: Path) -> set[str]:
    data = json.loads((corpora / "rcra-waste-codes" / "haztrak_federal_waste_codes.json").read_text("utf-8"))
    return {c["code"] for c in data["codes"]}


def test_rcra_lists_cover_the_corpus(corpora: Path) -> None:
    rcra = load_policy().rcra
    corpus = _federal(corpora)
    by_letter = {letter: {c for c in corpus if c[0] == letter and c[1:].isdigit()} for letter in "DFKPU"}
    assert by_letter["D"] == rcra.d_codes  # D001-D043 exactly
    assert by_letter["F"] == rcra.f_codes  # the 28 F codes exactly
    assert by_letter["K"] <= rcra.k_codes
    assert by_letter["P"] <= rcra.p_codes
    assert by_letter["U"] <= rcra.u_codes
    # the corpus holds only the start of K/P/U: within that span our lists are identical (no invented numbers)
    for letter, ours in (("K", rcra.k_codes), ("P", rcra.p_codes), ("U", rcra.u_codes)):
        top = max(by_letter[letter])
        assert {c for c in ours if c <= top} == by_letter[letter], letter
    non_numeric = {c for c in corpus if not c[1:].isdigit()}
    assert {"LABP", "PHRM"} <= non_numeric
    assert {"LABP", "PHRM"} <= rcra.other_federal_codes


def test_rcra_lists_are_complete_beyond_the_corpus() -> None:
    rcra = load_policy().rcra
    # spot checks across 40 CFR 261.32-261.33 (well past the partial corpus)
    for code in (
        "K048",
        "K088",
        "K181",
        "K174",
        "P075",
        "P098",
        "P106",
        "P205",
        "U002",
        "U080",
        "U122",
        "U154",
        "U220",
        "U239",
        "U328",
        "U359",
        "U411",
    ):
        assert code in rcra.federal, code
    for withdrawn in ("K012", "K064", "K160", "P019", "P025", "U013", "U139", "U202", "U212", "U242"):
        assert withdrawn not in rcra.federal, withdrawn
    assert len(rcra.k_codes) > 100
    assert len(rcra.p_codes) > 110
    assert len(rcra.u_codes) > 220


def test_epa_location_codes_cover_the_corpus(corpora: Path) -> None:
    data = json.loads((corpora / "rcra-waste-codes" / "haztrak_rcra_state_codes.json").read_text("utf-8"))
    assert {s["code"] for s in data["states"]} <= load_policy().waste.epa_id_location_codes


# EPA, "Hazardous Waste Listings: A User-Friendly Reference Document" (September 2012), table of contents of
# the 40 CFR 261.32 chapter: every K number, grouped by industry, as printed there.
_EPA_2012_K_GROUPS = {
    "wood preservation": ["K001"],
    "inorganic pigments": ["K002-K008"],
    "organic chemicals": [
        "K009-K011", "K013-K030", "K083", "K085", "K093-K096", "K103-K105", "K107-K118", "K136",
        "K149-K151", "K156-K159", "K161", "K174-K175", "K181",
    ],
    "inorganic chemicals": ["K071", "K073", "K106", "K176-K178"],
    "pesticides": ["K031-K043", "K097-K099", "K123-K126", "K131-K132"],
    "explosives": ["K044-K047"],
    "petroleum refining": ["K048-K052", "K169-K172"],
    "iron and steel": ["K061", "K062"],
    "primary aluminum": ["K088"],
    "secondary lead": ["K069", "K100"],
    "veterinary pharmaceuticals": ["K084", "K101-K102"],
    "ink formulation": ["K086"],
    "coking": ["K060", "K141-K145", "K147-K148"],
}  # fmt: skip


def test_k_list_matches_epa_listings_reference() -> None:
    """The whole K list equals EPA's 2012 listing reference, plus K087 (coking decanter tank tar sludge,
    listed in 40 CFR 261.32 but missing from that table of contents)."""
    expected = expand_codes([c for group in _EPA_2012_K_GROUPS.values() for c in group]) | {"K087"}
    assert load_policy().rcra.k_codes == expected, sorted(load_policy().rcra.k_codes ^ expected)


def test_p_and_u_spot_checks_from_public_sources() -> None:
    """P/U codes named in public EPA material (the full 40 CFR 261.33 tables could not be checked)."""
    rcra = load_policy().rcra
    # EPA delisting rule FR Doc 2022-15009: U019 (benzene), U220 (toluene)
    # haztrak RCRAInfo seed (shared corpus): P001-P049 and U001-U025, see test_rcra_lists_cover_the_corpus
    for code in ("U019", "U220"):
        assert code in rcra.u_codes, code
