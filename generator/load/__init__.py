"""Reading entry files: YAML composed with line and column marks, and mistakes explained in plain
words."""
