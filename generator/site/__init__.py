"""Which pages the site has, and rendering them from templates."""
