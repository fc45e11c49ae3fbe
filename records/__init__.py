"""Domain layer: templates, records, signatories and signing order, storage, the link, packages.

May import ``devices`` and ``crypto``; never Qt.
"""
