"""Believable Nigerian names, phone numbers, e-mail addresses, number plates and ids for demo data."""

from __future__ import annotations

import random

FIRST_NAMES: tuple[str, ...] = (
    # Yoruba
    "Adebayo", "Oluwaseun", "Funke", "Bisi", "Tunde", "Kemi", "Yetunde", "Segun", "Damilola", "Temitope",
    "Folake", "Gbenga", "Tolani", "Ayodele", "Bukola", "Kayode", "Morenike", "Olumide", "Sade", "Wale",
    # Igbo
    "Chinedu", "Ngozi", "Emeka", "Adaeze", "Chiamaka", "Obinna", "Ifeanyi", "Nkechi", "Uche", "Chidi",
    "Amaka", "Ebuka", "Ogechi", "Kelechi", "Chinwe", "Nnamdi",
    # Hausa and the north
    "Ibrahim", "Aisha", "Musa", "Fatima", "Abdullahi", "Zainab", "Usman", "Hauwa", "Sani", "Halima",
    "Aminu", "Bilkisu",
    # Niger Delta, south-south and others
    "Efe", "Ese", "Ofure", "Tamuno", "Ekaete", "Idara", "Oghenekaro", "Tari", "Ebiere", "Eno",
)  # fmt: skip

SURNAMES: tuple[str, ...] = (
    "Adeyemi", "Okafor", "Bello", "Nwosu", "Ogunleye", "Eze", "Abubakar", "Balogun", "Okonkwo", "Adewale",
    "Obi", "Olawale", "Danjuma", "Ibekwe", "Akinola", "Chukwu", "Lawal", "Oyelaran", "Etim", "Ekpo",
    "Bassey", "Ogundipe", "Nnaji", "Umar", "Salami", "Adeleke", "Okoro", "Yusuf", "Onyekachi", "Ajayi",
    "Akande", "Mohammed", "Ogbonna", "Fagbemi", "Idowu", "Anyanwu", "Ikpeme", "Odukoya", "Garba", "Ojo",
    "Edet", "Oputa", "Akpan", "Sowemimo", "Uzor", "Aliyu",
)  # fmt: skip

RANKS: tuple[str, ...] = ("Sgt.", "Cpl.", "Insp.", "ASP", "Sgt.", "Cpl.", "PC")
"""Police ranks for responders (sergeants and corporals most common)."""

_MOBILE_PREFIXES = (
    "803", "806", "813", "816", "703", "706", "810", "814", "903", "906", "802", "808", "812", "701",
    "708", "902", "805", "807", "815", "705", "905", "809", "817", "818", "909",
)  # fmt: skip

_PLATE_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def person_name(rng: random.Random) -> str:
    """A first name and a surname."""
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def phone_number(rng: random.Random) -> str:
    """A Nigerian mobile number in E.164 form: `+234` then 10 digits."""
    return f"+234{rng.choice(_MOBILE_PREFIXES)}{rng.randrange(10_000_000):07d}"


def email_for(rng: random.Random, name: str) -> str:
    """An address built from a name, on the documentation-reserved `example.com` domain."""
    first, _, last = name.lower().partition(" ")
    style = rng.randrange(3)
    local = f"{first}.{last}" if style == 0 else f"{first[0]}{last}" if style == 1 else f"{first}{last[:3]}"
    if rng.random() < 0.4:
        local += str(rng.randint(1, 99))
    return f"{local.replace('-', '')}@example.com"


def number_plate(rng: random.Random, lga_code: str | None = None) -> str:
    """A Lagos plate such as `LSR-552-FK`: local-government code, three digits, two letters."""
    code = lga_code or rng.choice(("LSR", "KJA", "EKY", "APP", "MUS", "SMK", "AGL", "KTU", "LND", "FST"))
    letters = "".join(rng.choice(_PLATE_LETTERS) for _ in range(2))
    return f"{code}-{rng.randint(100, 999)}-{letters}"


def national_id(rng: random.Random) -> str | None:
    """What a visitor shows at the gate: an 11-digit NIN, a driver's licence number, or nothing."""
    roll = rng.random()
    if roll < 0.55:
        return f"{rng.randrange(10**10, 10**11)}"
    if roll < 0.8:
        return f"LAG{rng.randrange(10**8):08d}AA{rng.randint(10, 99)}"
    return None
