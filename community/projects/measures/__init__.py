"""A project's measures: their data and where it comes from (entered, corrected,
imported from CSV), the SPC analysis in numbers and words, their charts and pages."""
