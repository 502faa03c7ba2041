"""netui: a keyboard-driven terminal UI for exploring and operating Docker networks."""

__version__ = "0.1.0"
