"""Inkseal's desktop application and command line: the only layer that imports Qt."""

__version__ = "0.1.0"
