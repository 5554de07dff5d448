"""What every subcommand shares: exit codes and the default output folder."""

EXIT_OK, EXIT_SOME_FAILED, EXIT_ERROR = 0, 1, 2
DEFAULT_OUTPUT = "outputs"
