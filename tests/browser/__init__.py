"""User journeys and accessibility checks in Debian's Chromium, driven by Playwright."""
