"""The TOML configuration, declared as data: these models validate it and generate its docs.

Unknown keys and wrong types are refused with the key's name (exit 2). Paths of local
backends are relative to the config file's folder, so a config can be run from anywhere.
`sections.py` holds the building blocks and the sections every config has, each target
family its own sections (`sync/targets/<family>/settings.py`), `model.py` the whole file as
the registry of targets makes it, `reference.py` the README's table.
"""
