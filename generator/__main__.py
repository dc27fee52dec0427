"""Entry point for ``python -m generator``."""

from generator.cli.commands import main

if __name__ == "__main__":
    main()
