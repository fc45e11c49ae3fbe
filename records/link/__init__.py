"""The link between the prosecutor's workstation and the detention-room terminal.

Mutually authenticated TLS 1.3 (site CA, role-checked certificates), WebSocket framing, and a
sans-IO protocol underneath: versioned handshake, per-connection frame numbers, session
sequence numbers with a journaled outbox so a cut or restart loses and repeats nothing, live ink
in ~16 ms batches, droppable camera previews, resumable SHA-256-verified uploads, heartbeats.

Entry points: ``WorkstationEndpoint`` (listens, embedded in the workstation or headless) and
``TerminalEndpoint`` (connects, with a ``TerminalBrain`` for the signing flow);
``workstation_endpoint``/``terminal_endpoint``/``run_until_stopped`` for the headless commands.

Messages of protocol version 1 (W: workstation sends, T: terminal sends):

=================  ====  ========  =========================================================
kind               from  delivery  carries
=================  ====  ========  =========================================================
hello              T     control   versions, role, station, session to resume, delivered, caps
welcome            W     control   chosen version, session, resumed?, delivered, caps
ack / beat         both  control   (the envelope's ack) / heartbeat when quiet
record.offer       W     durable   record id, title, SHA-256, size, pages + the PDF bytes
record.confirm     T     durable   the SHA-256 the terminal computed, accepted or why not
record.close       W     durable   the record is sealed or withdrawn
page.view          T     durable   page shown / hidden, monotonic time
turn.begin         W     durable   whose turn (id, name, role), the pad prompt (zh, en)
turn.cancel        W     durable   the turn is called off
ink.batch          T     reliable  turn, stroke, index of the first sample + 30-byte samples
ink.clear          T     reliable  the pad was cleared (logged, never hidden)
preview.frame      T     preview   camera JPEG, newest only, dropped while down
signature.result   T     durable   outcome, simulated?, evidence SHA-256 + evidence bundle
log.entry          T     reliable  capture-log entry (opaque bytes), exactly once, in order
log.checkpoint     T     durable   capture-log checkpoint (opaque bytes)
upload.begin       T     durable   id, name, media type, size, SHA-256, chunk size + piece map
upload.query       T     control   where does an upload stand? (after a reconnect)
upload.chunk       T     bulk      offset + whole pieces (each checked against the map)
upload.status      W     control   verified bytes held: resume / rewind / progress / unknown
upload.done        W     durable   every piece matched the map (the whole file verified) or not
=================  ====  ========  =========================================================

Roles come from the site PKI (``crypto.pki.roles_of``, certificate policy OIDs): a terminal
connects with its ``terminal-tls`` certificate, the workstation listens with its
``workstation-tls`` one; no other certificate of the site (officer, seal, signing or log keys)
can take part. ``site_credentials`` takes both from a site PKI, ``file_credentials`` from the
``link.ca``/``link.cert``/``link.key`` files.
"""

from records.link.batcher import InkBatcher
from records.link.brain import TerminalBrain
from records.link.credentials import file_credentials, site_credentials
from records.link.endpoint import Backoff, LinkEndpoint
from records.link.errors import (
                                 CloseReason,
                                 LinkConfigError,
                                 LinkError,
                                 PeerRejected,
                                 ProtocolViolation,
                                 UploadError,
)
from records.link.events import (
                                 Acknowledged,
                                 CloseConnection,
                                 LinkEvent,
                                 Received,
                                 RecordRefused,
                                 RecordVerified,
                                 SessionOpened,
                                 SessionReplaced,
                                 UploadData,
                                 UploadFinished,
                                 UploadProgress,
                                 UploadQueried,
                                 UploadRequested,
                                 UploadStored,
)
from records.link.headless import run_until_stopped, terminal_endpoint, workstation_endpoint
from records.link.ink import InkSample
from records.link.journal import Journal
from records.link.messages import (
                                 MESSAGE_TYPES,
                                 PROTOCOL_VERSIONS,
                                 Delivery,
                                 InkBatch,
                                 InkClear,
                                 LogCheckpoint,
                                 LogEntry,
                                 LogRequest,
                                 Message,
                                 PageView,
                                 PreviewFrame,
                                 RecordClose,
                                 RecordClosed,
                                 RecordConfirm,
                                 RecordOffer,
                                 SignatureResult,
                                 TurnBegin,
                                 TurnCancel,
                                 UploadBegin,
                                 UploadDone,
)
from records.link.peers import PeerIdentity, PeerPolicy, Side, load_ca_certificates
from records.link.pieces import PieceMap, map_file
from records.link.protocol import LinkProtocol, LinkTimings, Phase
from records.link.sides import TerminalProtocol, WorkstationProtocol
from records.link.status import LinkState, LinkStatus, describe_status
from records.link.terminal import TerminalEndpoint
from records.link.tls import LinkIdentity, client_context, server_context
from records.link.transport import TransportTimings, parse_address
from records.link.upload import FileSource, UploadSource
from records.link.workstation import WorkstationEndpoint

__all__ = [
    "MESSAGE_TYPES", "PROTOCOL_VERSIONS", "Acknowledged", "Backoff", "CloseConnection",
    "CloseReason", "Delivery", "FileSource", "InkBatch", "InkBatcher", "InkClear", "InkSample",
    "Journal", "LinkConfigError", "LinkEndpoint", "LinkError", "LinkEvent", "LinkIdentity",
    "LinkProtocol", "LinkState", "LinkStatus", "LinkTimings", "LogCheckpoint", "LogEntry", "LogRequest",
    "Message", "PageView", "PeerIdentity", "PeerPolicy", "PieceMap", "PeerRejected", "Phase", "PreviewFrame",
    "ProtocolViolation", "Received", "RecordClose", "RecordClosed", "RecordConfirm", "RecordOffer",
    "RecordRefused", "RecordVerified", "Side", "SessionOpened", "SessionReplaced",
    "SignatureResult", "TerminalBrain", "TerminalEndpoint", "TerminalProtocol",
    "TransportTimings", "TurnBegin", "TurnCancel", "UploadBegin", "UploadData", "UploadDone",
    "UploadError", "UploadFinished", "UploadProgress", "UploadQueried", "UploadRequested",
    "UploadSource", "UploadStored", "WorkstationEndpoint", "WorkstationProtocol",
    "client_context", "describe_status", "map_file", "load_ca_certificates", "parse_address", "file_credentials", "site_credentials", "run_until_stopped",
    "server_context", "terminal_endpoint", "workstation_endpoint",
]
