"""Files and images attached to what members write (see docs/files.md)."""
