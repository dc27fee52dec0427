"""The site engine (MkDocs 1.6 or ProperDocs, with Material), behind one seam: ``configure`` and
``build`` here, the preview's server in ``engine.preview`` (imported only by ``serve``: it loads
MkDocs' live-reload server and watchdog). No other package imports ``mkdocs`` or ``material``."""

# First: with ProperDocs chosen, it decides which module each ``mkdocs.*`` import loads.
from generator.engine.choice import LABEL, NAME

# isort: split
from generator.engine.seam import (
    Built,
    BuiltPage,
    Interface,
    Setup,
    build,
    configure,
    quiet_loggers,
    rebuild,
    theme_values,
)

__all__ = [
    "LABEL",
    "NAME",
    "Built",
    "BuiltPage",
    "Interface",
    "Setup",
    "build",
    "configure",
    "quiet_loggers",
    "rebuild",
    "theme_values",
]
