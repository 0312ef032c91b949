"""The ``names`` perturbation: people, company and addresses re-drawn from name pools.

Everything is renamed in one pass over the text, so a new name is never
renamed again: addresses (the local part of a person's address, and the
company's domain and its subdomains), bare company domains, and the words of
the company's name and of each person's first and last name. Surnames map
one to one, so a couple or two colleagues who share a surname still do. First
names keep their gender where the original is a name we know to be usually
female or male; other names are drawn from a neutral pool. The agent keeps its
name. The same mapping is applied to the harm spec, so the classifiers look for
the people and addresses the model actually saw.

The pools are our own lists of common given names, surnames and invented
company names.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass


def _words(text: str) -> list[str]:
    return text.split()


FEMALE = _words(
    "Abigail Adriana Alice Amara Anita Beatrice Bianca Camille Carmen Daphne Delia "
    "Eleanor Elise Esther Fiona Gemma Greta Harriet Imogen Ingrid Irene Joanna Judith "
    "Kirsten Leona Lucia Mabel Marisol Miriam Naomi Noor Olga Paulina Renata Rosalind "
    "Sabine Selma Tamsin Ursula Vivian Wendy Yara Zofia"
)
"""Given names drawn for people whose original name is usually female."""

MALE = _words(
    "Adrian Ambrose Anders Arturo Benedict Boris Callum Cyrus Dmitri Elliot Emil Felix "
    "Gareth Gideon Hamish Hugo Ivan Jasper Joaquin Julian Kenji Lionel Lucas Malcolm "
    "Mateo Nikolai Oscar Patrick Quentin Rupert Silas Stellan Theo Tobias Ulrich Vikram "
    "Warren Xavier Yusuf Zane"
)
"""Given names drawn for people whose original name is usually male."""

NEUTRAL = _words(
    "Alexis Avery Blair Casey Dakota Emerson Finley Harper Jules Kendall Logan Morgan "
    "Parker Quinn Reese Robin Rowan Sasha Skyler Tatum"
)
"""Given names drawn for everyone else."""

SURNAMES = _words(
    "Abernathy Bancroft Barros Brandt Carrow Castellano Delacroix Draper Dunmore Ellison "
    "Falkner Fenwick Forsythe Gallagher Galloway Grimaldi Hargreaves Holloway Ibarra "
    "Ingram Jansen Jovanovic Kessler Kowal Lindgren Lomax Marchetti Mercer Nakamura "
    "Nilsson Novak Okafor Ostrowski Oyelaran Pemberton Prescott Quintero Radcliffe "
    "Rasmussen Rinaldi Sandoval Sato Stroud Tanaka Thackeray Tolliver Underwood Valdez "
    "Whitfield Yamamoto Zeller"
)
"""Surnames."""

COMPANIES = _words(
    "Brackwell Castellan Dunmere Elderglen Fairhaven Halloran Meridale Pellworth Quorlin "
    "Ravenholt Solvane Tessaro Thornbury Veridane Wexmoor"
)
"""Invented company names (the original's suffix, such as "Systems", is kept)."""

_KNOWN_FEMALE = set(FEMALE) | set(
    _words(
        "Anna Catherine Claire Elena Emily Emma Grace Hannah Helen Jenna Jessica Julia Karen "
        "Laura Lena Linda Lisa Maria Michelle Nadia Olivia Priya Rachel Rebecca Sarah Sophia "
        "Susan Teresa"
    )
)
_KNOWN_MALE = set(MALE) | set(
    _words(
        "Brian Daniel David Edward Eric George Gordon James John Kevin Kyle Leo Marcus Mark "
        "Michael Owen Paul Peter Rafael Richard Robert Steven Thomas Todd Tom Victor William"
    )
)

_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


@dataclass(frozen=True)
class Person:
    """A person of the world: full name (``First Last``) and address."""

    first: str
    last: str
    address: str


@dataclass(frozen=True)
class Renaming:
    """A drawn renaming: words, addresses and domains, applied in one pass."""

    words: dict[str, str]
    locals: dict[str, str]
    domains: dict[str, str]

    def apply(self, text: str) -> str:
        """Rename everything in ``text``."""
        return _pattern(self).sub(self._replace, text)

    def _replace(self, match: re.Match[str]) -> str:
        token = match.group(0)
        if match.lastgroup == "addr":
            return self.address(token)
        if match.lastgroup == "dom":
            return self.domain(token)
        return self.words[token]

    def address(self, address: str) -> str:
        """Rename one address: its local part if it is a person's, and its domain."""
        local, _, domain = address.partition("@")
        new_local = self.locals.get(address.lower(), local)
        return f"{new_local}@{self.domain(domain)}"

    def domain(self, domain: str) -> str:
        """Rename a company domain or one of its subdomains; others are kept."""
        low = domain.lower()
        for old, new in self.domains.items():
            if low == old:
                return new
            if low.endswith("." + old):
                return low[: -len(old)] + new
        return domain


def _pattern(renaming: Renaming) -> re.Pattern[str]:
    words = sorted(renaming.words, key=len, reverse=True)
    doms = sorted(renaming.domains, key=len, reverse=True)
    parts = [f"(?P<addr>{_ADDRESS.pattern})"]
    if doms:
        parts.append(r"(?P<dom>\b(?:[a-z0-9-]+\.)*(?:" + "|".join(map(re.escape, doms)) + r")\b)")
    if words:
        parts.append(r"(?P<word>\b(?:" + "|".join(map(re.escape, words)) + r")\b)")
    return re.compile("|".join(parts))


def people_from_addresses(
    addresses: list[tuple[str, str]], text: str, exclude: set[str]
) -> list[Person]:
    """People named by ``(display name, address)`` pairs whose address is ``first.last@``.

    A pair without a display name (``""``) counts when the title-cased
    ``First Last`` from the address appears in ``text``, or its first name
    does and is a given name we know (so ``jessica.wilson@`` counts when the
    text says "Jessica", but ``news.desk@`` does not count for "News"). Addresses in
    ``exclude`` (the agent's) are skipped.
    """
    out: dict[str, Person] = {}
    for name, address in addresses:
        low = address.lower()
        if low in exclude or low in out:
            continue
        local = low.partition("@")[0]
        first, dot, last = local.partition(".")
        if not (dot and first.isalpha() and last.isalpha()):
            continue
        full = name or f"{first.title()} {last.title()}"
        parts = full.split()
        if len(parts) != 2 or [p.lower() for p in parts] != [first, last]:
            continue
        if not name and not _named_in(parts[0], full, text):
            continue
        out[low] = Person(parts[0], parts[1], low)
    return list(out.values())


def _named_in(first: str, full: str, text: str) -> bool:
    """Whether the text names this person: in full, or by a given name we know."""
    if full in text:
        return True
    known = first in _KNOWN_FEMALE or first in _KNOWN_MALE
    return known and re.search(rf"\b{re.escape(first)}\b", text) is not None


def draw_renaming(
    people: list[Person],
    company: tuple[str, str, str],
    seed: int,
    taken: Callable[[str], bool],
) -> Renaming:
    """Draw new names for ``people`` and the ``(full name, short name, domain)`` company.

    ``taken(word)`` says whether a candidate already occurs in the world; such
    names are never drawn, so a new name cannot collide with an existing one.
    """
    rng = random.Random(f"names-{seed}")
    used: set[str] = set()

    def pick(pool: list[str]) -> str:
        free = [n for n in pool if n not in used and not taken(n)]
        if not free:
            raise ValueError("name pool exhausted")
        choice = rng.choice(free)
        used.add(choice)
        return choice

    words: dict[str, str] = {}
    full, short, domain = company
    new_short = pick(COMPANIES)
    words[short] = new_short
    words[short.upper()] = new_short.upper()
    if full != short:
        words[full] = new_short + full[len(short) :] if full.startswith(short) else new_short
    tld = domain.partition(".")[2]
    new_domain = f"{new_short.lower()}.{tld}"
    for person in sorted(people, key=lambda p: (p.last, p.first)):
        if person.first not in words:
            words[person.first] = pick(_pool_for(person.first))
        if person.last not in words:
            words[person.last] = pick(SURNAMES)
    locals_: dict[str, str] = {}
    for person in people:
        first, last = words[person.first].lower(), words[person.last].lower()
        locals_[person.address] = f"{first}.{last}"
    return Renaming(words=words, locals=locals_, domains={domain.lower(): new_domain})


def _pool_for(first: str) -> list[str]:
    if first in _KNOWN_FEMALE:
        return FEMALE
    if first in _KNOWN_MALE:
        return MALE
    return NEUTRAL


@dataclass(frozen=True)
class World:
    """What the perturbations need to know about a pack's fictional world."""

    key: str
    company: str
    short: str
    domain: str
    agent: str
    people: tuple[Person, ...]

    def values(self) -> dict[str, str]:
        """Template values for the perturbation texts."""
        return {
            "company": self.company,
            "short": self.short,
            "domain": self.domain,
            "agent": self.agent,
        }
