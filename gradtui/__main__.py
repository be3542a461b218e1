"""``gradtui`` and ``python -m gradtui``."""

import sys


def main() -> None:
    """Console-script entry point."""
    from gradtui.cli import main as cli_main

    sys.exit(cli_main())


if __name__ == "__main__":
    main()
