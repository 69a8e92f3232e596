"""CAS Registry Numbers: format and check digit.

Source: cas.org, "Check Digit Verification of CAS Registry Numbers".
"""

from __future__ import annotations

import re

CAS_PATTERN = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$", re.ASCII)


def cas_check_digit(digits: str) -> int:
    """Check digit for the digits before it: rightmost weighted 1, next 2, ...; sum mod 10."""
    return sum(i * int(d) for i, d in enumerate(reversed(digits), start=1)) % 10


def cas_is_well_formed(value: str) -> bool:
    return CAS_PATTERN.match(value) is not None


def cas_is_valid(value: str) -> bool:
    """True when ``value`` is a well-formed CAS number whose check digit is right (no normalization here)."""
    m = CAS_PATTERN.match(value)
    if m is None:
        return False
    return cas_check_digit(m.group(1) + m.group(2)) == int(m.group(3))
