"""What the demo company is made of: its scales, logins, segments, products, teams,
names and the behaviour of its deals (advance rates, time in stage, seasonality), and
the ``Result`` the generator reports."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import numpy as np

DEMO_PASSWORD = "hamsu-demo"
# The logins the generator creates, printed by `hamsu demo` (username, role).
DEMO_LOGINS = [
    ("cro", "Revenue leader"),
    ("head.sales", "Head of sales"),
    ("head.marketing", "Head of marketing"),
    ("manager", "Sales manager"),
    ("rep", "Sales rep"),
    ("upstream", "Upstream marketer"),
    ("downstream", "Downstream marketer"),
    ("liaison", "Marketing liaison"),
    ("admin", "Administrator"),
]


@dataclass(frozen=True)
class Scale:
    name: str
    accounts: int
    opportunities: int
    reps_per_team: int
    activities_per_opportunity: float


SCALES = {
    "tiny": Scale("tiny", 60, 400, 3, 1.5),
    "small": Scale("small", 600, 6_000, 5, 1.5),
    "medium": Scale("medium", 8_000, 100_000, 10, 1.0),
    # Large: 1.1M deals so that, with the funnel's lead histories, the log passes 10M stage events.
    "large": Scale("large", 66_000, 1_100_000, 20, 0.5),
}

SEGMENTS = [
    ("Manufacturing", "Plants and industrial groups buying automation and ERP add-ons."),
    ("Retail", "Chains and e-commerce sellers."),
    ("Financial services", "Banks, insurers and fintechs."),
    ("Healthcare", "Hospitals, clinics and labs."),
    ("Energy", "Oil, gas, power and utilities."),
    ("Public sector", "Ministries, municipalities and state enterprises."),
]
# name, code, list price (USD), unit cost, launch date
PRODUCTS = [
    ("Hamsu Analytics Suite", "HAS", 48_000, 14_000, datetime.date(2019, 3, 1)),
    ("Field Sales Mobile", "FSM", 9_500, 2_600, datetime.date(2021, 6, 1)),
    ("Data Platform", "DP", 120_000, 52_000, datetime.date(2018, 1, 15)),
    ("Customer Portal", "CP", 22_000, 7_000, datetime.date(2023, 9, 1)),
    ("Pricing Optimiser", "PO", 65_000, 18_000, datetime.date(2024, 11, 1)),
    ("Support Plus", "SP", 6_000, 2_500, datetime.date(2020, 2, 1)),
    ("IoT Gateway", "IOT", 3_200, 1_900, datetime.date(2022, 4, 1)),
    ("Implementation Services", "IMP", 30_000, 21_000, datetime.date(2017, 5, 1)),
]
SALES_TEAMS = [("Enterprise", "North"), ("Mid-market", "Central"), ("SMB", "South"), ("Middle East", "MENA")]
COUNTRIES = ["IR", "AE", "TR", "DE", "GB", "US", "IR", "IR", "AE", "NL"]
INDUSTRIES = {
    "Manufacturing": ["automotive", "chemicals", "food processing", "textiles"],
    "Retail": ["grocery", "fashion", "electronics", "e-commerce"],
    "Financial services": ["banking", "insurance", "payments", "leasing"],
    "Healthcare": ["hospitals", "pharma", "diagnostics", "clinics"],
    "Energy": ["oil and gas", "power", "renewables", "utilities"],
    "Public sector": ["municipal", "education", "transport", "ministry"],
}
# Per open stage: probability of advancing (otherwise lost) and median days in stage.
ADVANCE = np.array([0.70, 0.72, 0.75, 0.68, 0.70, 0.82])
MEDIAN_DAYS = np.array([6.0, 9.0, 14.0, 18.0, 12.0, 10.0])
SEGMENT_WIN_FACTOR = np.array([1.00, 1.06, 0.94, 0.97, 0.90, 0.85])
MONTH_WEIGHT = np.array([0.95, 1.0, 1.15, 0.9, 1.0, 1.0, 0.9, 0.7, 1.1, 1.15, 1.2, 0.85])
LOST_REASONS = [
    "No budget",
    "Chose a competitor",
    "No decision",
    "Price too high",
    "Timing",
    "Missing feature",
]
FIRST_NAMES = [
    "Sara",
    "Ali",
    "Maryam",
    "Reza",
    "Niloofar",
    "Omid",
    "Leila",
    "Babak",
    "Anna",
    "James",
    "Elif",
    "Karim",
    "Shirin",
    "Dariush",
    "Mina",
    "Farhad",
    "Laura",
    "Hassan",
    "Yasmin",
    "Peter",
    "Zahra",
    "Kaveh",
    "Nora",
    "Arash",
]
LAST_NAMES = [
    "Ahmadi",
    "Karimi",
    "Hosseini",
    "Rahimi",
    "Moradi",
    "Jafari",
    "Schmidt",
    "Smith",
    "Yilmaz",
    "Haddad",
    "Tehrani",
    "Farahani",
    "Navabi",
    "Sadeghi",
    "Bauer",
    "Khan",
    "Rostami",
    "Mohammadi",
    "Bakker",
    "Clark",
]
COMPANY_WORDS = [
    "Pars",
    "Aria",
    "Kavir",
    "Alborz",
    "Sepahan",
    "Delta",
    "Nova",
    "Zagros",
    "Apex",
    "Caspian",
    "Orion",
    "Karun",
    "Atlas",
    "Helix",
    "Simorgh",
    "Tabriz",
    "Vertex",
    "Persepolis",
    "Summit",
    "Lotus",
]
COMPANY_SUFFIX = [
    "Industries",
    "Group",
    "Holding",
    "Systems",
    "Trading",
    "Foods",
    "Energy",
    "Bank",
    "Clinic",
    "Retail",
    "Logistics",
    "Steel",
    "Pharma",
    "Tech",
    "Insurance",
]


@dataclass
class Result:
    scale: str
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())
