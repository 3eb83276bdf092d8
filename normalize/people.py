"""People in the Responsable and Coordinateur cells: mentions, titles, roles, and one registry of persons.

    >>> [(m.title, m.name, m.kind) for m in split_mentions("Pr Aidi Saadia, PrKarboubi Lamya / Chef DAMS")]
    [('Pr', 'Aidi Saadia', 'person'), ('Pr', 'Karboubi Lamya', 'person'), (None, None, 'role')]

A cell is split on « , », « / », « ; », « - » and « et » where a new mention starts; titles come off the
name (glued ones too); a mention that starts with a function word (« Chef », « Directeur », « Equipe »)
or is an acronym is a role. Person mentions are grouped with rapidfuzz, accent-, case-, order- and
spacing-insensitively; a surname alone joins a full name only when exactly one person carries it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from normalize.reference import glossary
from vocabulary import escaped_alternation, fold, french


@dataclass(frozen=True)
class Mention:
    printed: str
    title: str | None
    name: str | None  # without title, without the parenthesis and the final dot
    kind: str  # person | role
    detail: str | None = None  # what a parenthesis adds to a person (« SPC », « Assistant social »)


@lru_cache(maxsize=1)
def _vocabulary() -> dict:
    return french()["people"]


def _title_pattern() -> re.Pattern[str]:
    titles = "|".join(re.escape(title) for title in _vocabulary()["titles"])
    # A title is followed by a space, or glued to a capitalised name (« PrKarboubi »).
    return re.compile(rf"^(?P<title>{titles})(?:\s+|(?=[A-ZÀ-Ý][a-zà-ÿ]))(?P<name>\S.*)$")


def _starts_with_title(text: str) -> bool:
    return bool(_title_pattern().match(text.strip()))


def _is_role(text: str) -> bool:
    if not re.findall(r"\w", text) or _starts_with_role_word(text):
        return True
    # « DSI », « SGIR », « CMDM Locaux », « EHs du CHUIS »: an acronym, or a phrase naming one of the plan's
    outside = re.sub(r"\([^)]*\)", " ", text)
    tokens = re.findall(r"\w+", outside)
    if len(tokens) == 1 and tokens[0].isupper():
        return True
    return any(token in glossary() or token.rstrip("s") in glossary() for token in tokens)


def _name_and_detail(text: str) -> tuple[str, str | None]:
    details = re.findall(r"\(([^)]*)\)", text)
    name = re.sub(r"\([^)]*\)", " ", text)
    name = re.sub(r"\s+", " ", name).strip(" .;,")
    return name, ("; ".join(detail.strip() for detail in details) or None)


def parse_mention(printed: str, inherited_title: str | None = None) -> Mention:
    text = printed.strip()
    match = _title_pattern().match(text)
    if match:
        name, detail = _name_and_detail(match["name"])
        return Mention(printed, match["title"], name, "person", detail)
    if _is_role(text):
        return Mention(printed, None, None, "role")
    name, detail = _name_and_detail(text)
    return Mention(printed, inherited_title, name, "person", detail)


def _fragments(cell: str) -> list[tuple[str, str]]:
    """(separator before, fragment) split outside parentheses on « , », « ; », « / », a spaced dash, a dash
    before a title (« Dr Diani Safaa- Pr Marc ») and « et » before a title or after a plural one."""
    titles = "|".join(re.escape(title) for title in _vocabulary()["titles"])
    joiners = escaped_alternation(_vocabulary()["joiners"])
    separator_pattern = re.compile(rf"\s*[,;/]\s*(?=\S)|\s+[-–]\s+|\s*[-–]\s*(?=(?:{titles})\s)|\s+{joiners}\s+")
    parts: list[tuple[str, str]] = []
    depth, current, before, index = 0, "", "", 0
    while index < len(cell):
        char = cell[index]
        depth += char == "("
        depth -= char == ")" and depth > 0
        separator = separator_pattern.match(cell, index) if depth == 0 else None
        if separator and (
            separator.group(0).strip() not in _vocabulary()["joiners"]
            or _after_et_is_a_mention(cell, current, separator.end())
        ):
            parts.append((before, current))
            before, current = separator.group(0), ""
            index = separator.end()
            continue
        current += char
        index += 1
    parts.append((before, current))
    return [(before, part.strip()) for before, part in parts if part.strip(" -–")]


def _after_et_is_a_mention(cell: str, before: str, after: int) -> bool:
    plural = any(before.strip().startswith(title) for title in _vocabulary()["plural_titles"])
    return plural or _starts_with_title(cell[after:])


def _starts_with_role_word(text: str) -> bool:
    words = re.findall(r"[\w']+", fold(text))
    return bool(words) and words[0] in _vocabulary()["role_words"]


def split_mentions(cell: str) -> list[Mention]:
    """One Responsable/Coordinateur item to its mentions, persons and roles, in printed order."""
    mentions: list[Mention] = []
    shared_title = None
    for separator, fragment in _fragments(cell):
        previous = mentions[-1] if mentions else None
        mention = parse_mention(fragment, inherited_title=shared_title)
        if (
            previous is not None
            and separator == "/"
            and _starts_with_role_word(previous.printed)
            and len(fragment.split()) == 1
        ):
            # « Chef de service ORL/CCF »: a word glued after a slash continues the role; « SDA/DSI » lists two
            mentions[-1] = Mention(f"{previous.printed}/{fragment}", None, None, "role")
            continue
        if mention.title in _vocabulary()["plural_titles"]:
            shared_title = mention.title
        mentions.append(mention)
    return mentions


@lru_cache(maxsize=1 << 14)
def name_tokens(name: str) -> tuple[str, ...]:
    """Folded name words without their unit in parenthesis and without particles (« El », « Lalla »); cached:
    clustering compares each name with many others."""
    name = re.sub(r"\([^)]*\)", " ", name)
    tokens = re.findall(r"[a-z]+", fold(name))
    particles = set(_vocabulary()["particles"])
    kept = []
    for token in tokens:
        if token in particles:
            continue
        # « ElHafidi », « Elhassan »: a particle glued to the surname
        for particle in particles:
            if token.startswith(particle) and len(token) - len(particle) >= 4:
                token = token[len(particle) :]
                break
        kept.append(token)
    return tuple(kept)


def _tokens_match(left: str, right: str, threshold: float) -> bool:
    return fuzz.ratio(left, right) >= threshold


def name_similarity(left: str, right: str, token_threshold: float = 80, surname_threshold: float = 95) -> float:
    """100 when every word of the shorter name matches a word of the longer (90 when it has fewer words);
    else rapidfuzz's token-set ratio. A surname alone must match almost to the letter: « Mahraoui » is not
    « Zahraoui », while « Abdallah » and « Abdellah » in a full name are one spelling apart."""
    a, b = name_tokens(left), name_tokens(right)
    if not a or not b:
        return 0.0
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) == 1:
        token_threshold = surname_threshold
    if all(any(_tokens_match(word, other, token_threshold) for other in longer) for word in shorter):
        return 100.0 if len(shorter) == len(longer) else 90.0
    return fuzz.token_set_ratio(" ".join(a), " ".join(b))


@dataclass
class Person:
    person_id: str
    names: list[str] = field(default_factory=list)

    @property
    def display_name(self) -> str:
        return max(self.names, key=lambda name: (len(name_tokens(name)), len(name)))


@dataclass(frozen=True)
class Match:
    person_id: str
    score: float


def cluster_people(
    names: list[str], threshold: float = 90, cells: list[str] | None = None
) -> tuple[dict[str, Person], list[Match]]:
    """Group person names (as printed, without title) into persons with stable ids.

    Full names are placed first; a name joins the person it matches best at or above `threshold`,
    unless it matches two persons equally well (a shared surname), in which case it stands alone.
    Two names printed in one cell (`cells`, one key per name) are two people: « Pr Soualhi - Pr Soualhi
    Mouna » keeps them apart, and such names are placed before their look-alikes.
    Returns the registry and, for each input name in order, its person and score.
    """
    cells = cells or [str(index) for index in range(len(names))]
    # A name is compared with each distinct name once (plans repeat names: the score of a pair is computed
    # once, and a person is scored on its distinct spellings), so the work grows with the distinct names,
    # not with the square of the mentions.
    similarity = lru_cache(maxsize=None)(name_similarity)
    cell_mates: dict[str, list[int]] = {}
    for index, cell in enumerate(cells):
        cell_mates.setdefault(cell, []).append(index)

    def has_look_alike_mate(index: int) -> bool:
        return any(
            other != index and similarity(names[index], names[other]) >= threshold for other in cell_mates[cells[index]]
        )

    order = sorted(
        range(len(names)),
        key=lambda index: (-len(name_tokens(names[index])), not has_look_alike_mate(index), names[index]),
    )
    people: list[list[int]] = []
    spellings: list[set[str]] = []  # the distinct names of each person
    person_cells: list[set[str]] = []  # the cells each person is named in
    assigned: dict[int, tuple[int, float]] = {}
    for index in order:
        candidates = []
        for position in range(len(people)):
            if cells[index] in person_cells[position]:
                continue
            score = max(similarity(names[index], name) for name in spellings[position])
            if score >= threshold:
                candidates.append((score, position))
        best = [candidate for candidate in candidates if candidate[0] == max(candidates)[0]] if candidates else []
        if len(best) == 1:
            score, position = best[0]
        else:
            score, position = 100.0, len(people)
            people.append([])
            spellings.append(set())
            person_cells.append(set())
        people[position].append(index)
        spellings[position].add(names[index])
        person_cells[position].add(cells[index])
        assigned[index] = (position, score)
    registry: dict[str, Person] = {}
    ids: list[str] = []
    for members in people:
        person = Person("", [names[member] for member in members])
        key = " ".join(sorted(name_tokens(person.display_name)))
        person.person_id = "P" + hashlib.sha1(key.encode()).hexdigest()[:8]
        while person.person_id in registry:  # two people of one name (« Soualhi ») keep distinct ids
            key += "'"
            person.person_id = "P" + hashlib.sha1(key.encode()).hexdigest()[:8]
        registry[person.person_id] = person
        ids.append(person.person_id)
    return registry, [Match(ids[assigned[index][0]], assigned[index][1]) for index in range(len(names))]
