"""opmap's shipped data, installed as the package `opmap.data` (see pyproject.toml and opmap/shipped.py)."""
