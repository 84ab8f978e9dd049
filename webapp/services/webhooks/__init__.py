"""Webhooks for councils: endpoints a council administrator registers, the events recorded with each
change, and their signed delivery with retries (see docs/webhooks.md)."""
