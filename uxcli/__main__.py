"""`python -m uxcli` works like `uxcli`."""

from uxcli.cli import main

if __name__ == "__main__":
    main()
