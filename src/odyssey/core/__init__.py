"""The pure domain core: ids, options, the object tree, placement, permissions, attributes.

Nothing in this package does I/O (no files, network, database or event loop): pure functions and
in-memory data structures only, so it is fast to test and safe to call from anywhere.
"""
