"""The site engine (MkDocs 1.6 or ProperDocs, with Material), behind one seam: ``configure``,
``build`` and the preview's ``LiveServer``. No other package imports ``mkdocs`` or ``material``."""

# First: with ProperDocs chosen, it decides which module each ``mkdocs.*`` import loads.
from generator.engine.choice import LABEL, NAME

# isort: split
from generator.engine.preview import LiveServer
from generator.engine.seam import BuiltPage, Setup, build, configure, quiet_loggers

__all__ = [
    "LABEL",
    "NAME",
    "BuiltPage",
    "LiveServer",
    "Setup",
    "build",
    "configure",
    "quiet_loggers",
]
