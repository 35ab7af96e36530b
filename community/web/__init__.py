"""What every feature's pages share: templates' helpers, form rendering and
checks, one-button actions with their confirmations, paging, absolute links,
security headers, rate limits, and the app server's settings."""
