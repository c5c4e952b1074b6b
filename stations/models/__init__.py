"""Deputies, liaison stations, the duty roster, receptions, double contact and activities.

Every row carries the ``region`` of the office that manages it (a station's region for its
shifts and receptions), so ``portal.access`` scopes all of them with one prefix filter. The
models live in one module per sub-domain; Django and the other apps import them from here.
"""

from stations.models.contacts import Activity, CommitteeContact, ContactVisit, Household
from stations.models.deputies import Mandate, MandateLevel, Representative, RepresentativeGroup
from stations.models.receptions import Reception, ReceptionMatter
from stations.models.roster import DutyRule, DutyShift, NonWorkingDay
from stations.models.stations import CHECKLIST_ITEMS, Station, StationMembership

__all__ = [
    "CHECKLIST_ITEMS",
    "Activity",
    "CommitteeContact",
    "ContactVisit",
    "DutyRule",
    "DutyShift",
    "Household",
    "Mandate",
    "MandateLevel",
    "NonWorkingDay",
    "Reception",
    "ReceptionMatter",
    "Representative",
    "RepresentativeGroup",
    "Station",
    "StationMembership",
]
