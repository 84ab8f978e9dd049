"""The region's workforce agreement: agency day-rate caps, the cooling-off period and employer on-costs."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping

from domain.vocabulary import RoleLevel
from webapp.extensions import db
from webapp.models import RegionWorkforceSettings, User
from webapp.services import NotAllowed
from webapp.services import audit
from webapp.services.workforce.fields import Field, FieldError, InvalidInput, parse_fields

# Illustrative agreed maximum agency day rates (pounds, 7.5-hour day) until the programme lead records
# the region's own; a real region replaces these on the settings page.
DEFAULT_DAY_RATE_CAPS: dict[str, int] = {
    RoleLevel.NQSW.value: 280,
    RoleLevel.SOCIAL_WORKER.value: 330,
    RoleLevel.SENIOR_PRACTITIONER.value: 370,
    RoleLevel.ADVANCED_PRACTITIONER.value: 400,
    RoleLevel.ASSISTANT_TEAM_MANAGER.value: 420,
    RoleLevel.TEAM_MANAGER.value: 470,
    RoleLevel.SERVICE_MANAGER.value: 560,
    RoleLevel.IRO_CP_CHAIR.value: 420,
    RoleLevel.PRINCIPAL_SOCIAL_WORKER.value: 560,
}
DEFAULT_COOLING_OFF_MONTHS = 6
DEFAULT_ON_COST_RATE = Decimal("0.280")


def region_settings() -> RegionWorkforceSettings:
    row = db.session.get(RegionWorkforceSettings, 1)
    if row is None:
        row = RegionWorkforceSettings(id=1, cooling_off_months=DEFAULT_COOLING_OFF_MONTHS,
                                      day_rate_caps=dict(DEFAULT_DAY_RATE_CAPS), on_cost_rate=DEFAULT_ON_COST_RATE)
        db.session.add(row)
        db.session.flush()
    return row


def day_rate_cap(settings: RegionWorkforceSettings, level: RoleLevel) -> Decimal | None:
    value = (settings.day_rate_caps or {}).get(level.value)
    return None if value in (None, "") else Decimal(str(value))


SETTINGS_FIELDS: tuple[Field, ...] = (
    Field("cooling_off_months", "Cooling-off period in months", "count",
          hint="How long after leaving a permanent post in the region a social worker may not be placed by an "
               "agency in the region."),
    Field("on_cost_percent", "Employer on-costs, percent of salary", "fte",
          hint="National Insurance and pension on top of salary, like 28."),
) + tuple(Field(f"cap_{level.value}", f"Day-rate cap: {level.label}", "money", required=False)
          for level in RoleLevel if level != RoleLevel.STUDENT)


def settings_form_values(settings: RegionWorkforceSettings) -> dict[str, str]:
    values = {"cooling_off_months": str(settings.cooling_off_months),
              "on_cost_percent": str((settings.on_cost_rate * 100).normalize())}
    for level, amount in (settings.day_rate_caps or {}).items():
        values[f"cap_{level}"] = str(amount)
    return values


def update_settings(actor: User, raw: Mapping[str, Any]) -> RegionWorkforceSettings:
    if not actor.sees_region:
        raise NotAllowed("Only programme leads change the region's agreement.")
    values, errors = parse_fields(SETTINGS_FIELDS, raw)
    if not errors and not 0 < values["cooling_off_months"] <= 36:
        errors.append(FieldError("cooling_off_months", "Cooling-off period must be between 1 and 36 months"))
    if not errors and values["on_cost_percent"] > 100:
        errors.append(FieldError("on_cost_percent", "Employer on-costs must be 100 percent or less"))
    if errors:
        raise InvalidInput(errors)
    settings = region_settings()
    settings.cooling_off_months = values["cooling_off_months"]
    settings.on_cost_rate = (values["on_cost_percent"] / 100).quantize(Decimal("0.001"))
    settings.day_rate_caps = {level.value: str(values[f"cap_{level.value}"])
                              for level in RoleLevel if values.get(f"cap_{level.value}") is not None}
    settings.updated_by_id = actor.id
    audit.record(actor, "workforce.settings_updated", settings, cooling_off_months=settings.cooling_off_months)
    return settings
