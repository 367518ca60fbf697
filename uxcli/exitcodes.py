"""Process exit codes, in one place (after httpie's ExitStatus)."""

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    ERROR = 1  # bad data, unreadable input, or a failed quality gate
    USAGE = 2  # the command line itself is wrong
    INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT
