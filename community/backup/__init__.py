"""Online backups of the whole database, and restoring one (`flask backup …`)."""
