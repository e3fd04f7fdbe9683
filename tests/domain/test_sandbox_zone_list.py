"""The pickers against the sandbox's full ClickBook zone list (written separately, same format)."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.core import get_global

from bot.clickbook.timezones import TimeZone
from bot.domain.countries import ISO_COUNTRY_CODES
from bot.domain.zones import zone_choices_for_country, zones_for_country
from bot.sandbox.clickbook.timezone_data import TIME_ZONE_ROWS

LABEL_OFFSET = re.compile(r"\(GMT(?:(?P<sign>[+-])(?P<hours>\d\d):(?P<minutes>\d\d))?\)")


def test_every_sandbox_zone_parses_and_its_label_states_its_standard_offset() -> None:
    for value, label in TIME_ZONE_ROWS:
        zone = TimeZone.parse(value, label)
        match = LABEL_OFFSET.match(label)
        assert match is not None, label
        offset = timedelta(hours=int(match["hours"] or 0), minutes=int(match["minutes"] or 0))
        assert zone.standard_offset == (-offset if match["sign"] == "-" else offset), label
        assert zone.places, label


def test_pickers_on_the_full_list() -> None:
    zones = [TimeZone.parse(value, label) for value, label in TIME_ZONE_ROWS]
    now = datetime(2025, 3, 1, 12, tzinfo=UTC)
    australia = zone_choices_for_country(zones, "AU", now)
    assert {"Sydney", "Brisbane", "Adelaide", "Darwin", "Perth", "Hobart"} <= {
        choice.place for choice in australia
    }
    assert len(zones_for_country(zones, "DE", now)) == 1
    territory_zones = get_global("territory_zones")
    for code in ISO_COUNTRY_CODES:
        real = {
            now.astimezone(ZoneInfo(name)).utcoffset() for name in territory_zones.get(code, ())
        }
        for zone in zones_for_country(zones, code, now):
            assert zone.utc_offset_at(now) in real, (code, zone.label)
