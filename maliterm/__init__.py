"""maliterm: an offline terminal workbench for people who follow an armed conflict."""

__version__ = "0.1.0"
