"""The sans-I/O core of ``toggl_api``: models, wire contract, decisions; no I/O and no clock reads here."""
