"""Search and the expertise finder (see index.py for how content is indexed)."""
