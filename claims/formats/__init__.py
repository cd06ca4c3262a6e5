"""Date formats for the site and the admin alike (settings.FORMAT_MODULE_PATH): dates
are shown as “13 Oct 2025” and typed as 2025-10-13, the form the CSV import and the
help texts use. Django's en-GB formats fill in everything not set here."""
