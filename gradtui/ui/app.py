"""Placeholder until the app lands."""


def run_app(args) -> int:
    print("The gradtui app is not built yet; try 'gradtui --help'.")
    return 0
