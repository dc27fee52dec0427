"""The site engine (MkDocs 1.6 and Material), behind one seam: ``configure``, ``build`` and the
preview's server. No other package imports ``mkdocs`` or ``material``."""

from generator.engine.preview import LiveServer
from generator.engine.seam import BuiltPage, Setup, build, configure, quiet_loggers

__all__ = ["BuiltPage", "LiveServer", "Setup", "build", "configure", "quiet_loggers"]
