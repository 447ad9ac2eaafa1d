"""Public holidays in each person's People `Country` (the `holidays` package: data only,
no network), as time off."""

from __future__ import annotations

from datetime import date

import holidays

from sync.core.lived.absence import Absence
from sync.core.lived.roster import Person
from sync.sources.time_off import Unreadable

SOURCE = "a public holiday"


def read_holidays(person: Person, first: date, last: date) -> list[Absence] | Unreadable:
    if person.country is None:
        return []
    try:
        calendar = holidays.country_holidays(person.country,
                                             years=range(first.year, last.year + 1))
    except NotImplementedError:
        return Unreadable(person, f"{person.name}'s Country {person.country} has no public "
                                  "holiday calendar; use another ISO code on the People tab "
                                  "or leave Country empty.")
    except Exception as error:  # the package's data is not ours: one person, one warning
        return Unreadable(person, f"The public holidays of {person.name}'s Country "
                                  f"{person.country} cannot be read ({type(error).__name__}); "
                                  "the other sources are still used.")
    return [Absence(person.key, day, day, SOURCE) for day in sorted(calendar)
            if first <= day <= last]
