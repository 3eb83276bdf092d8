"""Card codes: the printed form (« HMSRO M1-25 », « F.Coop 58 ») to one canonical key.

Rule (also in README.md, « Card codes »):
1. Drop the word « Managérial » (« Sous Projet Managérial FQGR 62 »).
2. Upper-case; drop dots (« F.Coop » -> « FCOOP »).
3. Medical and pharmacy codes, the ones ending in « -25 » (the plan year): remove every
   space and put one hyphen between each part, so « HMS- CH1-25 », « HMSRO M1-25 »,
   « INO - MT 1-25 » and « HMSRO -PS-PH8-25 » read HMS-CH1-25, HMSRO-M1-25, INO-MT1-25 and
   HMSRO-PS-PH8-25.
4. Function and nursing codes, a prefix and a number (« FF 01 », « SITS 1 », « FSI 25 »):
   PREFIX-NN with the number written on two digits (FF-01, SITS-01, FSI-25).
"""

from __future__ import annotations

import re

_MANAGERIAL = re.compile(r"\bmanag[ée]rial\b", re.IGNORECASE)
_YEAR_CODE = re.compile(r"^(?P<body>.+?)\s*-\s*(?P<year>\d{2})$")
_FUNCTION_CODE = re.compile(r"^(?P<prefix>[A-Z]+)\s*-?\s*(?P<number>\d{1,3})$")
# An establishment prefix glued to the next part by a space (« HMSRO M1 ») or a hyphen.
_PART_SPLIT = re.compile(r"\s*-\s*|\s+(?=[A-Z])")


def canonical_code(printed: str) -> str:
    """Return the canonical key of a printed card code; raise ValueError if it has no known shape."""
    text = _MANAGERIAL.sub(" ", printed)
    text = text.replace(".", "").upper().strip()
    text = re.sub(r"\s+", " ", text)
    year_match = _YEAR_CODE.match(text)
    if year_match:
        parts = [part.replace(" ", "") for part in _PART_SPLIT.split(year_match["body"]) if part.strip()]
        if not parts:
            raise ValueError(f"card code has no parts: {printed!r}")
        return "-".join(parts + [year_match["year"]])
    function_match = _FUNCTION_CODE.match(text)
    if function_match:
        return f"{function_match['prefix']}-{int(function_match['number']):02d}"
    raise ValueError(f"not a card code: {printed!r}")
