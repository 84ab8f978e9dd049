"""The transactional outbox: hooks that write a row with every change, the relay that delivers them."""
from __future__ import annotations

from flask import Flask

from webapp.outbox.hooks import install_hooks
from webapp.outbox.relay import EXTENSION_KEY, Subscriptions
from webapp.outbox.topics import TOPICS


def init_app(app: Flask, subscriptions: Subscriptions) -> None:
    """Write outbox rows with every change, and subscribe these handlers to the topics they hear."""
    unknown = set(subscriptions) - set(TOPICS.values())
    if unknown:
        raise ValueError(f"no model publishes the outbox topic(s) {sorted(unknown)}: see webapp/outbox/topics.py")
    install_hooks()
    app.extensions[EXTENSION_KEY] = {topic: tuple(handlers) for topic, handlers in subscriptions.items()}
