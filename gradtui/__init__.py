"""gradtui: a terminal app that teaches how a machine learns, through PyTorch."""

__version__ = "0.1.0"
