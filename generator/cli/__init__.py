"""The command line: flags and messages; every command is registered in ``cli.commands``."""
