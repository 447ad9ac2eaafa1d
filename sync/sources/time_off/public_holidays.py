"""Public holidays in each person's People `Country` (the `holidays` package: data only,
no network), with their names in English, so a message can say which holiday it is."""

from __future__ import annotations

from datetime import date

import holidays

from sync.core.lived.roster import Person
from sync.core.rules.holidays import Holiday
from sync.sources.time_off import Unreadable


def read_holidays(person: Person, first: date, last: date) -> list[Holiday] | Unreadable:
    if person.country is None:
        return []
    try:
        calendar = holidays.country_holidays(person.country, language="en_US",
                                             years=range(first.year, last.year + 1))
    except NotImplementedError:
        return Unreadable(person, f"{person.name}'s Country {person.country} has no public "
                                  "holiday calendar; use another ISO code on the People tab "
                                  "or leave Country empty.", column="Country")
    except Exception as error:  # the package's data is not ours: one person, one warning
        return Unreadable(person, f"The public holidays of {person.name}'s Country "
                                  f"{person.country} cannot be read ({type(error).__name__}); "
                                  "the other sources are still used.", column="Country")
    return [Holiday(day, str(name), person.country) for day, name in sorted(calendar.items())
            if first <= day <= last]
