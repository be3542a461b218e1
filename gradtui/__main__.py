"""``gradtui`` and ``python -m gradtui``."""

import os
import sys


def main() -> None:
    """Console-script entry point."""
    from gradtui.cli import main as cli_main

    try:
        code = cli_main()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`gradtui fit | head`): stop quietly, as other tools do. Point
        # stdout at devnull so Python's own flush at exit does not complain again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    sys.exit(code)


if __name__ == "__main__":
    main()
