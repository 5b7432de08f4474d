"""Ask for help: the public confidential intake form, its encrypted submissions and their triage by staff."""
