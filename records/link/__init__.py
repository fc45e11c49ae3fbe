"""The link between the prosecutor's workstation and the detention-room terminal.

Mutually authenticated TLS 1.3 (site CA, role-checked certificates), WebSocket framing, and a
sans-IO protocol underneath: versioned handshake, per-connection frame numbers, session
sequence numbers with a journaled outbox so a cut or restart loses and repeats nothing, live ink
in ~16 ms batches, droppable camera previews, resumable SHA-256-verified uploads, heartbeats.

Entry points: ``WorkstationEndpoint`` (listens, embedded in the workstation or headless) and
``TerminalEndpoint`` (connects, with a ``TerminalBrain`` for the signing flow).
"""

from records.link.batcher import InkBatcher
from records.link.brain import ScriptedBrain, Script, TerminalBrain
from records.link.endpoint import Backoff, LinkEndpoint, link_credentials
from records.link.errors import (CloseReason, LinkConfigError, LinkError, PeerRejected,
                                 ProtocolViolation, UploadError)
from records.link.events import (Acknowledged, CloseConnection, LinkEvent, Received,
                                 RecordRefused, RecordVerified, SessionOpened, SessionReplaced,
                                 UploadData,
                                 UploadFinished, UploadProgress, UploadQueried, UploadRequested,
                                 UploadStored)
from records.link.headless import run_until_stopped, terminal_endpoint, workstation_endpoint
from records.link.ink import InkSample
from records.link.journal import Journal
from records.link.messages import (MESSAGE_TYPES, PROTOCOL_VERSIONS, Delivery, InkBatch,
                                   InkClear, LogCheckpoint, LogEntry, Message, PageView,
                                   PreviewFrame, RecordClose, RecordConfirm, RecordOffer,
                                   SignatureResult, TurnBegin, TurnCancel, UploadBegin,
                                   UploadDone)
from records.link.peers import (ROLE_ARC, PeerIdentity, PeerPolicy, Role, load_ca_certificates,
                                roles_from_extended_key_usage)
from records.link.protocol import LinkProtocol, LinkTimings, Phase
from records.link.sides import TerminalProtocol, WorkstationProtocol
from records.link.status import LinkState, LinkStatus, describe_status
from records.link.terminal import TerminalEndpoint
from records.link.tls import LinkIdentity, client_context, server_context
from records.link.transport import TransportTimings, parse_address
from records.link.upload import FileSource, UploadSource, file_sha256
from records.link.workstation import WorkstationEndpoint

__all__ = [
    "MESSAGE_TYPES", "PROTOCOL_VERSIONS", "ROLE_ARC", "Acknowledged", "Backoff", "CloseConnection",
    "CloseReason", "Delivery", "FileSource", "InkBatch", "InkBatcher", "InkClear", "InkSample",
    "Journal", "LinkConfigError", "LinkEndpoint", "LinkError", "LinkEvent", "LinkIdentity",
    "LinkProtocol", "LinkState", "LinkStatus", "LinkTimings", "LogCheckpoint", "LogEntry",
    "Message", "PageView", "PeerIdentity", "PeerPolicy", "PeerRejected", "Phase", "PreviewFrame",
    "ProtocolViolation", "Received", "RecordClose", "RecordConfirm", "RecordOffer",
    "RecordRefused", "RecordVerified", "Role", "Script", "ScriptedBrain", "SessionOpened", "SessionReplaced",
    "SignatureResult", "TerminalBrain", "TerminalEndpoint", "TerminalProtocol",
    "TransportTimings", "TurnBegin", "TurnCancel", "UploadBegin", "UploadData", "UploadDone",
    "UploadError", "UploadFinished", "UploadProgress", "UploadQueried", "UploadRequested",
    "UploadSource", "UploadStored", "WorkstationEndpoint", "WorkstationProtocol",
    "client_context", "describe_status", "file_sha256", "link_credentials",
    "load_ca_certificates", "parse_address", "roles_from_extended_key_usage", "run_until_stopped",
    "server_context", "terminal_endpoint", "workstation_endpoint",
]
