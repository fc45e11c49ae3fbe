"""The archivist's verifier window (:class:`VerifierWindow`) and its parts: the report, the
signature replay beside the station's recording, and the capture-log timeline."""

from app.ui.verifier.window import VerifierWindow

__all__ = ["VerifierWindow"]
