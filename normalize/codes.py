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

from vocabulary import labels

_MANAGERIAL = re.compile(labels()["code_qualifier"], re.IGNORECASE)
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


# --- reading a code OCR or a careless typist garbled ------------------------------------------------------

# Characters read for a digit where a digit stands (« FF O1 », « SITS l »), and for a letter in a prefix.
DIGIT_LOOKALIKES = str.maketrans(dict(zip("OoQDIl|i!SZB", "000011111528")))
LETTER_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z"})
# The strict grammar of a canonical code: PREFIX-PART…-YY (parts: letters then digits, or digits) or PREFIX-NN.
_STRICT_YEAR = re.compile(r"^[A-Z]+(-(?:[A-Z]+\d*|\d+))*-\d{2}$")
_STRICT_FUNCTION = re.compile(r"^[A-Z]+-\d{2,3}$")
# A part of a code: a letter run then a digit run (« CH1 », « M12 », « PH8 »), as printed with look-alikes.
_PART = re.compile(r"^(?P<letters>[A-Za-z01258|!]*?)(?P<digits>[0-9OoQDIl|i!SZB]*)$")


def strict_code(code: str) -> bool:
    """Does a canonical code follow the code grammar strictly?"""
    return bool(_STRICT_YEAR.match(code) or _STRICT_FUNCTION.match(code))


def _digits(text: str) -> str:
    return text.translate(DIGIT_LOOKALIKES)


def _fix_tokens(printed: str) -> str:
    """Look-alikes put right by position: the first token (the prefix) in letters, the number of a function
    code and the year in digits, a part's tail after its letters in digits."""
    text = _MANAGERIAL.sub(" ", printed).replace(".", " ").strip()
    tokens = [token for token in re.split(r"(\s+|-)", text) if token]
    words = [index for index, token in enumerate(tokens) if token.strip() and token != "-"]
    fixed = list(tokens)
    for rank, index in enumerate(words):
        token = tokens[index]
        if rank == 0:
            fixed[index] = token.translate(LETTER_LOOKALIKES).upper() if any(c.isalpha() for c in token) else token
        elif rank == len(words) - 1 or not any(char.isalpha() and char not in "OoIlSZBQD" for char in token):
            fixed[index] = _digits(token)  # the year, the function number, a bare number part
        else:
            match = _PART.match(token)
            if match and match["digits"] and match["letters"]:
                fixed[index] = match["letters"].translate(LETTER_LOOKALIKES).upper() + _digits(match["digits"])
    return "".join(fixed)


def _readable(printed: str) -> str | None:
    try:
        return canonical_code(printed)
    except ValueError:
        return None


def _joined_prefix(code: str, known_prefixes: frozenset[str]) -> str:
    """The code with its first two parts joined where that gives a known prefix and the first alone is not
    one (« DCHU-IS-PM-PH1-25 » -> « DCHUIS-PM-PH1-25 »); '' otherwise."""
    parts = code.split("-")
    if len(parts) > 2 and parts[0] not in known_prefixes and parts[0] + parts[1] in known_prefixes:
        return "-".join([parts[0] + parts[1], *parts[2:]])
    return ""


# Capital letters OCR reads one for another (shapes that differ by a stroke or a serif), in a code's prefix.
LETTER_CONFUSIONS = (frozenset("IJL"), frozenset("ODQ"), frozenset("CG"), frozenset("UV"))


def lookalike_letters(a: str, b: str) -> bool:
    """Two prefixes of one length that differ only where OCR confuses one capital for another (FAIC, FAJC)."""
    return (
        len(a) == len(b)
        and a != b
        and all(x == y or any(x in group and y in group for group in LETTER_CONFUSIONS) for x, y in zip(a, b))
    )


def listed_prefix(code: str, listed: frozenset[str], elsewhere: str = "") -> str:
    """The canonical ``code`` with its prefix read as the summary list prints it (« FAIC-59 » -> « FAJC-59 »
    when the list's codes have FAJC and no FAIC), where the code's own prefix is printed neither on the list nor
    in ``elsewhere`` (the card's section, « … Contentieux (FAJC) ») and exactly one listed prefix differs from it
    only by look-alike capitals; '' otherwise."""
    prefix, _, rest = code.partition("-")
    if not rest or prefix in listed or re.search(rf"\b{re.escape(prefix)}\b", elsewhere.upper()):
        return ""
    candidates = [other for other in listed if lookalike_letters(prefix, other)]
    return f"{candidates[0]}-{rest}" if len(candidates) == 1 else ""


def repair_code(printed: str, known_prefixes: frozenset[str] = frozenset()) -> tuple[str, str]:
    """The printed code put right where its misreadings are the usual ones, and the rule that did it ('' when
    the code reads as printed). Rules: « lookalikes » (O/0, I/1/l in a digit's place, 0/1 in a prefix),
    « split prefix » (a prefix cut in two — « DCHU IS-PM-PH1-25 » — joined where the joined prefix is one of
    ``known_prefixes``, the document's other codes, and the first piece is not). Raises ValueError when no
    rule gives a code of the grammar."""
    code = _readable(printed)
    if code is not None and strict_code(code) and not _joined_prefix(code, known_prefixes):
        return printed, ""
    candidate, rules = printed, []
    if code is None or not strict_code(code):
        candidate = _fix_tokens(printed)
        rules.append("lookalikes")
        code = _readable(candidate)
        if code is None:
            raise ValueError(f"not a card code, even with look-alike characters put right: {printed!r}")
    joined = _joined_prefix(code, known_prefixes)
    if joined:
        candidate, code = joined, joined
        rules.append("split prefix")
    if not strict_code(code):
        raise ValueError(f"not a card code: {printed!r} (read as {code!r})")
    return candidate, " + ".join(rules)
