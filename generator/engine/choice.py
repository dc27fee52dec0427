"""Which engine builds the site: MkDocs 1.6 (the default) or ProperDocs, its maintained fork,
chosen by the ``RECORD_ENGINE`` environment variable."""

from __future__ import annotations

import importlib.util
import logging
import os

from generator.core.errors import ConfigError

VARIABLE = "RECORD_ENGINE"
ENGINES = {"mkdocs": "MkDocs", "properdocs": "ProperDocs"}  # name → how messages say it


def chosen() -> str:
    """The engine ``RECORD_ENGINE`` names; ConfigError for one this generator does not know."""
    name = os.environ.get(VARIABLE, "").strip().lower() or "mkdocs"
    if name not in ENGINES:
        raise ConfigError(f"{VARIABLE}={name!r} is not an engine: use one of {', '.join(ENGINES)}")
    if importlib.util.find_spec(name) is None:
        raise ConfigError(
            f"{VARIABLE}={name} but {name} is not installed: pip install -e '.[{name}]'"
        )
    return name


def _use_properdocs() -> None:
    """Make every ``mkdocs.*`` import load ProperDocs' module (as ProperDocs' own command line
    does, for themes and plugins written for MkDocs), and its log go to ProperDocs' logger."""
    import properdocs.replacement  # noqa: F401 - installs the import redirection

    logging.getLogger("mkdocs").parent = logging.getLogger("properdocs")


NAME = chosen()
LABEL = ENGINES[NAME]
LOGGER = NAME  # the logger the engine's build counts warnings on
if NAME == "properdocs":
    _use_properdocs()
