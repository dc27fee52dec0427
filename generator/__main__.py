"""Entry point for ``python -m generator``."""

from generator.cli.cli import main

if __name__ == "__main__":
    main()
