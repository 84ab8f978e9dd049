"""Forms for a council administrator's webhook endpoints: the address and the events it hears."""
from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput, GovTextInput
from wtforms import SelectMultipleField, StringField, SubmitField

from webapp.forms.account import options
from webapp.models import WebhookEndpoint, WebhookEventType


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class EndpointForm(FlaskForm):
    """Read only: every rule (HTTPS, a public address, the events) is the service's, shown beside its field."""

    url = StringField(
        "Endpoint address", widget=GovTextInput(), filters=[_strip],
        description="Where we send events, starting https://. It must be reachable from the internet.",
    )
    description = StringField(
        "Description (optional)", widget=GovTextInput(), filters=[_strip],
        description="To tell your endpoints apart, like ‘HR system (live)’.",
    )
    event_types = SelectMultipleField(
        "Events to send", choices=options([(t.value, t.label) for t in WebhookEventType.subscribable()]),
        widget=GovCheckboxesInput(), description="Select all that apply.", validate_choice=False,
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    @classmethod
    def for_endpoint(cls, endpoint: WebhookEndpoint | None) -> "EndpointForm":
        if endpoint is None:
            return cls(data={"event_types": [t.value for t in WebhookEventType.subscribable()]})
        return cls(obj=endpoint)

    def values(self) -> dict:
        return {"url": self.url.data or "", "description": self.description.data or "",
                "event_types": list(self.event_types.data or [])}
