"""Odyssey node: a self-hostable 3D multi-user web platform."""

__version__ = "0.1.0"
