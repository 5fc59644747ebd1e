"""Who lives and works behind the demo estate's gates, why people visit, and who keeps the gates."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Host:
    """A resident or an office being visited."""

    name: str
    unit: str | None


@dataclass(frozen=True, slots=True)
class Purpose:
    """A reason to visit, how long it usually takes, and the gate it uses (None: any gate)."""

    label: str
    minutes: float
    gate: str | None = None


HOSTS: tuple[Host, ...] = (
    Host("Bisi Adeyemi", "Block C, Flat 4"),
    Host("Chinedu Okafor", "Block A, Flat 2"),
    Host("Aisha Bello", "Block B, Flat 7"),
    Host("Tunde Balogun", "House 14"),
    Host("Ngozi Eze", "House 3"),
    Host("Ibrahim Danjuma", "Block D, Flat 1"),
    Host("Funke Ogundipe", "Block C, Flat 9"),
    Host("Emeka Nwosu", "House 21"),
    Host("Efe Akpan", "Block A, Flat 6"),
    Host("Yetunde Lawal", "House 8"),
    Host("Obinna Chukwu", "Block B, Flat 3"),
    Host("Halima Yusuf", "House 17"),
    Host("Segun Ajayi", "Block D, Flat 5"),
    Host("Adaeze Ibekwe", "Block E, Flat 2"),
    Host("Kunle Akinola Chambers", "Suite 304, Office Block"),
    Host("Zenith Logistics Ltd", "Suite 210, Office Block"),
    Host("Bright Smiles Dental Clinic", "Suite 105, Office Block"),
    Host("Oakridge Consulting", "Suite 402, Office Block"),
    Host("Estate management office", None),
    Host("Facility manager", None),
)

PURPOSES: tuple[Purpose, ...] = (
    Purpose("Family visit", 150),
    Purpose("Friend visit", 120),
    Purpose("Business meeting", 60),
    Purpose("Job interview", 45),
    Purpose("Dental appointment", 50),
    Purpose("Parcel delivery", 10, "Service Gate"),
    Purpose("Food delivery", 8, "Service Gate"),
    Purpose("Plumbing repair", 150, "Service Gate"),
    Purpose("Generator maintenance", 180, "Service Gate"),
    Purpose("Internet installation", 120, "Service Gate"),
    Purpose("Cleaning service", 240, "Service Gate"),
    Purpose("Document signing", 30),
)

GUARDS: tuple[str, ...] = (
    "Guard: Sunday Okon",
    "Guard: Blessing Eze",
    "Guard: Musa Garba",
    "Guard: Peter Etim",
    "Gate tablet 1",
    "Gate tablet 2",
)

CHECKOUT_NOTES: tuple[str, ...] = (
    "Left with a parcel; receipt checked",
    "Host escorted the visitor out",
    "Visitor badge returned",
    "Vehicle boot checked at exit",
    "Left with the host's driver",
)
