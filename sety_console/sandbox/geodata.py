"""Lagos, as the sandbox knows it: neighbourhoods, notable spots, places to seek help, service area.

Positions are approximate (a few hundred metres) and only serve the simulation: demo incidents are
spread over the neighbourhoods and gather around the notable spots, danger zones are named after
the nearest spot, and safety answers list the nearest police stations, hospitals and fire stations.
Everything here is static data in Python; nothing is downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass

SERVICE_AREA: tuple[float, float, float, float] = (3.20, 6.38, 3.66, 6.70)
"""Bounding box of metropolitan Lagos the sandbox serves: `(min_lng, min_lat, max_lng, max_lat)`."""

LAGOS_UTC_OFFSET_HOURS = 1
"""West Africa Time (no daylight saving): local hour = UTC hour + 1."""


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    """A district: where it is, how big, how many people, and how risky its streets are.

    `population` scales how many incidents happen there at all, `risk` how many of them are
    threats (SOS, location threats), `traffic` how many are vehicle incidents.
    """

    name: str
    lat: float
    lng: float
    radius_m: float
    population: float
    risk: float
    traffic: float
    plate_code: str
    streets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Spot:
    """A notable place where incidents gather (a motor park, a bridge, a market)."""

    name: str
    lat: float
    lng: float
    neighbourhood: str
    heat: float
    spread_m: float


@dataclass(frozen=True, slots=True)
class SafePlace:
    """A place to seek help: `kind` is a contract `SafeZoneKind` value."""

    name: str
    kind: str
    lat: float
    lng: float
    open_24h: bool


def _n(
    name: str,
    lat: float,
    lng: float,
    radius_m: float,
    pop: float,
    risk: float,
    traffic: float,
    plate: str,
    *streets: str,
) -> Neighbourhood:
    return Neighbourhood(name, lat, lng, radius_m, pop, risk, traffic, plate, streets)


# fmt: off
# One row per district: name, lat, lng, radius (m), population, risk, traffic, plate code, streets.
NEIGHBOURHOODS: tuple[Neighbourhood, ...] = (
    _n("Ikoyi", 6.4520, 3.4350, 1500, 1.0, 0.6, 0.8, "EKY", "Bourdillon Road", "Awolowo Road",
       "Kingsway Road", "Alexander Avenue", "Glover Road", "Gerrard Road"),
    _n("Victoria Island", 6.4300, 3.4210, 1500, 1.2, 0.9, 1.1, "EKY", "Adeola Odeku Street",
       "Ahmadu Bello Way", "Akin Adesola Street", "Ajose Adeogun Street", "Saka Tinubu Street"),
    _n("Lekki Phase 1", 6.4474, 3.4746, 1700, 1.1, 0.9, 1.0, "EKY", "Admiralty Way", "Admiralty Road",
       "Fola Osibo Road", "Freedom Way", "Bisola Durosinmi-Etti Drive"),
    _n("Ajah", 6.4698, 3.5752, 2200, 1.3, 1.2, 1.2, "EPE", "Addo Road", "Lekki-Epe Expressway",
       "Badore Road", "Abraham Adesanya Road", "Ado Road"),
    _n("Sangotedo", 6.4700, 3.6250, 1600, 0.8, 0.9, 0.8, "EPE", "Monastery Road", "Lekki-Epe Expressway",
       "Novare Mall Road", "Ogombo Road"),
    _n("Yaba", 6.5095, 3.3800, 1500, 1.4, 1.4, 1.2, "LSR", "Herbert Macaulay Way", "Commercial Avenue",
       "Akoka Road", "Jibowu Street", "Montgomery Road", "Tejuosho Street"),
    _n("Surulere", 6.4969, 3.3515, 2000, 1.5, 1.3, 1.1, "LSR", "Adeniran Ogunsanya Street",
       "Bode Thomas Street", "Western Avenue", "Ogunlana Drive", "Lawanson Road", "Akerele Street"),
    _n("Ebute-Metta", 6.4860, 3.3800, 1000, 1.0, 1.2, 1.0, "LSR", "Borno Way", "Apapa Road",
       "Cemetery Street", "Tapa Street"),
    _n("Ikeja GRA", 6.5800, 3.3520, 1300, 0.8, 0.6, 0.7, "KJA", "Isaac John Street",
       "Joel Ogunnaike Street", "Oduduwa Crescent", "Sobo Arobiodu Street"),
    _n("Ikeja", 6.6018, 3.3515, 1800, 1.5, 1.2, 1.3, "KJA", "Obafemi Awolowo Way", "Allen Avenue",
       "Opebi Road", "Toyin Street", "Adeniyi Jones Avenue", "Kodesoh Street"),
    _n("Maryland", 6.5720, 3.3660, 1000, 0.9, 1.0, 1.4, "KJA", "Ikorodu Road", "Mobolaji Bank Anthony Way",
       "Kudirat Abiola Way", "Onigbongbo Road"),
    _n("Ojota", 6.5870, 3.3800, 1000, 0.9, 1.3, 1.5, "KTU", "Ikorodu Road", "Ogudu Road", "Olatunji Street",
       "Ojota Link Road"),
    _n("Ketu", 6.5980, 3.3930, 1300, 1.2, 1.4, 1.5, "KTU", "Ikorodu Road", "Demurin Street",
       "Alapere Road", "Mile 12 Market Road"),
    _n("Oshodi", 6.5550, 3.3430, 1600, 1.6, 1.8, 1.8, "MUS", "Agege Motor Road", "Oshodi-Apapa Expressway",
       "Airport Road", "Brown Street", "Isolo Road"),
    _n("Mushin", 6.5300, 3.3540, 1600, 1.6, 1.7, 1.1, "MUS", "Agege Motor Road", "Ladipo Street",
       "Olateju Street", "Daramola Street", "Palm Avenue"),
    _n("Isolo", 6.5300, 3.3200, 1800, 1.2, 1.1, 1.0, "MUS", "Isolo Road", "Ago Palace Way", "Okota Road",
       "Ire Akari Estate Road"),
    _n("Ilupeju", 6.5530, 3.3610, 1000, 0.8, 0.8, 0.9, "MUS", "Town Planning Way", "Coker Road",
       "Association Avenue", "Ilupeju Bypass"),
    _n("Gbagada", 6.5530, 3.3880, 1400, 1.0, 0.9, 1.2, "SMK", "Diya Street", "Ifako Road",
       "Olawale Cole Street", "Gbagada Expressway"),
    _n("Oworonshoki", 6.5530, 3.4040, 700, 0.9, 1.5, 1.3, "SMK", "Oworonshoki-Oshodi Expressway",
       "Ifelodun Street", "Bola Ahmed Road"),
    _n("Magodo", 6.6200, 3.3850, 1300, 0.6, 0.5, 0.6, "KTU", "CMD Road", "Shangisha Road", "Isheri Road",
       "Emmanuel Keshi Street"),
    _n("Ogba", 6.6310, 3.3420, 1300, 1.0, 0.9, 0.9, "FKJ", "Ogba Road", "Ijaiye Road", "Acme Road",
       "College Road"),
    _n("Ojodu", 6.6390, 3.3700, 1200, 1.0, 1.0, 1.2, "FKJ", "Ojodu-Berger Road", "Isheri Road",
       "Grammar School Road", "Olusesi Street"),
    _n("Agege", 6.6200, 3.3240, 1700, 1.4, 1.5, 1.2, "AGL", "Old Abeokuta Road", "Agege Motor Road",
       "Dopemu Road", "Oke-Koto Street", "Pen Cinema Road"),
    _n("Ikorodu", 6.6190, 3.5080, 2500, 1.3, 1.0, 1.0, "IKD", "Lagos Road", "Ayangburen Road",
       "Sagamu Road", "Ebute Road", "Obafemi Awolowo Road"),
    _n("Lagos Island", 6.4540, 3.3900, 1000, 1.3, 1.2, 1.2, "LND", "Marina", "Broad Street",
       "Nnamdi Azikiwe Street", "Balogun Street", "Martins Street", "Idumagbo Avenue"),
    _n("Obalende", 6.4485, 3.4060, 600, 1.0, 1.6, 1.4, "LND", "Obalende Road", "Keffi Street",
       "Moloney Street", "Okesuna Street"),
    _n("Apapa", 6.4500, 3.3630, 1200, 1.0, 1.3, 1.7, "APP", "Wharf Road", "Liverpool Road", "Creek Road",
       "Warehouse Road", "Burma Road"),
    _n("Ajegunle", 6.4570, 3.3330, 1200, 1.3, 1.7, 1.0, "AAA", "Boundary Road", "Ojo Road",
       "Amukoko Road", "Tolu Road"),
    _n("Festac", 6.4660, 3.2830, 1900, 1.2, 1.1, 1.0, "FST", "21 Road", "4th Avenue", "7th Avenue",
       "23 Road", "2nd Avenue"),
)

SPOTS: tuple[Spot, ...] = (
    Spot("Ojuelegba Underbridge", 6.5097, 3.3651, "Surulere", 3.0, 220),
    Spot("Obalende Motor Park", 6.4490, 3.4075, "Obalende", 2.4, 180),
    Spot("Third Mainland Bridge, Oworonshoki approach", 6.5500, 3.4050, "Oworonshoki", 2.0, 220),
    Spot("Oshodi Interchange", 6.5555, 3.3440, "Oshodi", 3.0, 240),
    Spot("Ikeja Under Bridge", 6.6145, 3.3575, "Ikeja", 1.8, 200),
    Spot("Computer Village", 6.5960, 3.3420, "Ikeja", 1.6, 200),
    Spot("Mile 2 Junction", 6.4610, 3.3190, "Festac", 1.8, 220),
    Spot("CMS Bus Stop", 6.4510, 3.3920, "Lagos Island", 1.5, 180),
    Spot("Idumota Market", 6.4580, 3.3860, "Lagos Island", 1.6, 180),
    Spot("Tejuosho Market", 6.5040, 3.3690, "Yaba", 1.4, 180),
    Spot("Sabo Yaba Bus Stop", 6.5140, 3.3780, "Yaba", 1.2, 180),
    Spot("Agege Pen Cinema", 6.6250, 3.3230, "Agege", 2.0, 220),
    Spot("Mile 12 Market", 6.6060, 3.3970, "Ketu", 2.0, 220),
    Spot("Ojota Bus Stop", 6.5860, 3.3800, "Ojota", 1.6, 200),
    Spot("Maryland Junction", 6.5710, 3.3670, "Maryland", 1.2, 200),
    Spot("Lekki Toll Gate", 6.4437, 3.4609, "Lekki Phase 1", 1.4, 200),
    Spot("Ajah Under Bridge", 6.4690, 3.5700, "Ajah", 2.0, 240),
    Spot("Festac First Gate", 6.4740, 3.2950, "Festac", 1.2, 200),
    Spot("Apapa Wharf Road tanker queue", 6.4520, 3.3650, "Apapa", 1.8, 260),
    Spot("Ajegunle Boundary Market", 6.4555, 3.3360, "Ajegunle", 2.0, 200),
    Spot("Ladipo Auto Parts Market", 6.5360, 3.3550, "Mushin", 1.8, 200),
    Spot("Idi-Araba Junction", 6.5200, 3.3560, "Mushin", 1.2, 180),
    Spot("Costain Roundabout", 6.4900, 3.3670, "Surulere", 1.2, 200),
    Spot("Ikorodu Garage", 6.6170, 3.5070, "Ikorodu", 1.6, 240),
    Spot("Cele Bus Stop, Okota", 6.5180, 3.3190, "Isolo", 1.2, 200),
    Spot("Allen Avenue Roundabout", 6.6020, 3.3550, "Ikeja", 1.0, 180),
    Spot("Kuramo Beach approach", 6.4230, 3.4250, "Victoria Island", 1.0, 200),
    Spot("Falomo Roundabout", 6.4430, 3.4310, "Ikoyi", 0.7, 180),
    Spot("Ojodu Berger Bus Stop", 6.6400, 3.3690, "Ojodu", 1.4, 200),
    Spot("Sangotedo Market", 6.4710, 3.6240, "Sangotedo", 0.9, 200),
)

SAFE_PLACES: tuple[SafePlace, ...] = (
    # police
    SafePlace("Lion Building Police Division, Lagos Island", "police_station", 6.4512, 3.3970, True),
    SafePlace("Ikoyi Police Division", "police_station", 6.4550, 3.4280, True),
    SafePlace("Bar Beach Police Division, Victoria Island", "police_station", 6.4280, 3.4130, True),
    SafePlace("Maroko Police Division, Lekki", "police_station", 6.4420, 3.4680, True),
    SafePlace("Ajah Police Division", "police_station", 6.4710, 3.5690, True),
    SafePlace("Sabo Police Division", "police_station", 6.5039, 3.3788, True),
    SafePlace("Surulere Police Division", "police_station", 6.4960, 3.3560, True),
    SafePlace("Area F Police Command, Ikeja", "police_station", 6.5950, 3.3480, True),
    SafePlace("Ikeja Police Division", "police_station", 6.6080, 3.3500, True),
    SafePlace("Onigbongbo Police Division, Maryland", "police_station", 6.5740, 3.3620, True),
    SafePlace("Oshodi Police Division", "police_station", 6.5540, 3.3410, True),
    SafePlace("Area B Police Command, Apapa", "police_station", 6.4470, 3.3620, True),
    SafePlace("Area D Police Command, Mushin", "police_station", 6.5320, 3.3500, True),
    SafePlace("Festac Police Division", "police_station", 6.4680, 3.2860, True),
    SafePlace("Gbagada Police Division", "police_station", 6.5510, 3.3900, True),
    SafePlace("Isheri Police Division, Magodo", "police_station", 6.6230, 3.3880, True),
    SafePlace("Ikorodu Police Division", "police_station", 6.6200, 3.5060, True),
    SafePlace("Obalende Police Division", "police_station", 6.4470, 3.4040, True),
    SafePlace("Agege Police Division", "police_station", 6.6210, 3.3260, True),
    SafePlace("Ketu Police Division", "police_station", 6.5970, 3.3900, True),
    SafePlace("Isolo Police Division", "police_station", 6.5310, 3.3230, True),
    SafePlace("Ilupeju Police Division", "police_station", 6.5540, 3.3630, True),
    SafePlace("Pen Cinema Police Division, Ogba", "police_station", 6.6300, 3.3380, True),
    SafePlace("Ajegunle Police Division", "police_station", 6.4560, 3.3300, True),
    SafePlace("Ojodu Police Division", "police_station", 6.6380, 3.3730, True),
    SafePlace("Ojota Police Division", "police_station", 6.5890, 3.3820, True),
    SafePlace("Sangotedo Police Division", "police_station", 6.4690, 3.6210, True),
    # hospitals
    SafePlace("Lagos Island General Hospital", "hospital", 6.4560, 3.3940, True),
    SafePlace("Lagos University Teaching Hospital, Idi-Araba", "hospital", 6.5180, 3.3530, True),
    SafePlace("Lagos State University Teaching Hospital, Ikeja", "hospital", 6.5940, 3.3430, True),
    SafePlace("Federal Medical Centre, Ebute-Metta", "hospital", 6.4921, 3.3786, True),
    SafePlace("Gbagada General Hospital", "hospital", 6.5540, 3.3860, True),
    SafePlace("Reddington Hospital, Victoria Island", "hospital", 6.4310, 3.4190, True),
    SafePlace("St. Nicholas Hospital, Lagos Island", "hospital", 6.4525, 3.3955, True),
    SafePlace("Lagoon Hospitals, Ikoyi", "hospital", 6.4480, 3.4330, True),
    SafePlace("Evercare Hospital, Lekki", "hospital", 6.4430, 3.4720, True),
    SafePlace("Ikorodu General Hospital", "hospital", 6.6210, 3.5040, True),
    SafePlace("Isolo General Hospital", "hospital", 6.5330, 3.3220, True),
    SafePlace("Randle General Hospital, Surulere", "hospital", 6.5020, 3.3540, True),
    SafePlace("68 Nigerian Army Reference Hospital, Yaba", "hospital", 6.5080, 3.3810, True),
    SafePlace("Mushin General Hospital", "hospital", 6.5290, 3.3490, True),
    SafePlace("Orile-Agege General Hospital", "hospital", 6.6290, 3.3180, True),
    SafePlace("Ajah General Hospital", "hospital", 6.4680, 3.5730, True),
    SafePlace("Harvey Road Health Centre, Yaba", "hospital", 6.5040, 3.3820, False),
    SafePlace("Festac Primary Health Centre", "hospital", 6.4700, 3.2800, False),
    SafePlace("Apapa General Hospital", "hospital", 6.4470, 3.3580, True),
    SafePlace("Ketu-Ejinrin Health Centre, Ketu", "hospital", 6.6010, 3.3950, False),
    # fire
    SafePlace("Lagos State Fire Service Headquarters, Alausa", "fire_station", 6.6140, 3.3600, True),
    SafePlace("Sari Iganmu Fire Station", "fire_station", 6.4790, 3.3610, True),
    SafePlace("Yaba Fire Station", "fire_station", 6.5168, 3.3776, True),
    SafePlace("Lekki Fire Station", "fire_station", 6.4380, 3.4850, True),
    SafePlace("Lagos Island Fire Station, Ebute-Ero", "fire_station", 6.4590, 3.3840, True),
    SafePlace("Ikorodu Fire Station", "fire_station", 6.6150, 3.5150, True),
    SafePlace("Agege Fire Station", "fire_station", 6.6210, 3.3210, True),
    SafePlace("Isolo Fire Station", "fire_station", 6.5320, 3.3250, True),
    SafePlace("Ilupeju Fire Station", "fire_station", 6.5500, 3.3640, True),
    SafePlace("Bolade Fire Station, Oshodi", "fire_station", 6.5510, 3.3390, True),
    SafePlace("Amuwo-Odofin Fire Station", "fire_station", 6.4660, 3.2920, True),
    SafePlace("Ebute-Metta Fire Station", "fire_station", 6.4870, 3.3820, True),
    SafePlace("Federal Fire Service, Ikoyi", "fire_station", 6.4530, 3.4270, True),
    SafePlace("Ajiwe Fire Station, Ajah", "fire_station", 6.4700, 3.5790, True),
)

# fmt: on

NEIGHBOURHOOD_BY_NAME: dict[str, Neighbourhood] = {n.name: n for n in NEIGHBOURHOODS}


def inside_service_area(lat: float, lng: float) -> bool:
    """True when the point lies in the sandbox's service area (`SERVICE_AREA`)."""
    min_lng, min_lat, max_lng, max_lat = SERVICE_AREA
    return min_lng <= lng <= max_lng and min_lat <= lat <= max_lat
