"""Webhooks (DESIGN section 9), the parts that need no database: `signing` (Standard Webhooks
headers), `secrets` (making endpoint secrets and keeping them encrypted), `destinations`
(where a webhook may go), `sender` (one HTTP attempt to a vetted address) and `retries` (when
the next attempt is due)."""
