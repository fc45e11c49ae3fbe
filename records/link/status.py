"""The link's state as a UI shows it: connected, reconnecting (attempt n), down, and why."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from records.link.errors import CloseReason

__all__ = ["LinkState", "LinkStatus", "describe_status"]


class LinkState(Enum):
    """Where the link stands."""

    STARTING = "starting"          # first connection attempt, or listening with no peer yet
    CONNECTED = "connected"        # session open, messages flow
    RECONNECTING = "reconnecting"  # the connection was lost; trying again (or waiting for the peer)
    DOWN = "down"                  # stopped, or refused for a reason retrying cannot fix


_STATE_TEXT = {
    LinkState.STARTING: ("正在连接", "connecting"),
    LinkState.CONNECTED: ("已连接", "connected"),
    LinkState.RECONNECTING: ("正在重新连接", "reconnecting"),
    LinkState.DOWN: ("已断开", "down"),
}

_REASON_TEXT = {
    CloseReason.MALFORMED: ("对端发送了无法解析的数据", "the peer sent data that cannot be parsed"),
    CloseReason.UNKNOWN_KIND: ("对端发送了未知类型的消息", "the peer sent an unknown kind of message"),
    CloseReason.UNEXPECTED: ("对端发送了不合时宜的消息", "the peer sent a message out of turn"),
    CloseReason.REPLAY: ("检测到重放的消息", "a replayed message was detected"),
    CloseReason.GAP: ("检测到缺失的消息", "a missing message was detected"),
    CloseReason.VERSION: ("协议版本不兼容", "no protocol version in common"),
    CloseReason.STALLED: ("对端无响应", "the peer stopped responding"),
    CloseReason.ROLE: ("对端证书的角色不符", "the peer's certificate is for another role"),
    CloseReason.CERTIFICATE: ("证书被拒绝", "a certificate was refused"),
    CloseReason.BUSY: ("会话已被其他终端占用", "another terminal holds the session"),
    CloseReason.SUPERSEDED: ("同一终端建立了新连接", "the same terminal connected again"),
    CloseReason.GOING_AWAY: ("对端已关闭", "the other end shut down"),
    CloseReason.NETWORK: ("网络中断或无法连接", "the network dropped or cannot be reached"),
    CloseReason.INTERNAL: ("本端内部错误", "an internal fault on this side"),
}


@dataclass(frozen=True)
class LinkStatus:
    """A snapshot of the link for the UI; every change is reported through ``on_status``."""

    state: LinkState
    attempt: int = 0
    """Connection attempts since the link was last connected (0 while connected)."""
    reason: CloseReason | None = None
    """Why the last connection ended or failed."""
    detail: str = ""
    peer: str = ""
    """The peer station's name (its certificate's common name) when known."""
    session: str = ""
    backlog: int = 0
    """This side's sequenced messages not yet acknowledged by the peer."""


def describe_status(status: LinkStatus, language: str = "zh") -> str:
    """One line for a status bar, in Simplified Chinese ('zh') or English ('en')."""
    zh = language == "zh"
    text = _STATE_TEXT[status.state][0 if zh else 1]
    if status.state is LinkState.RECONNECTING and status.attempt:
        text += f"（第 {status.attempt} 次尝试）" if zh else f" (attempt {status.attempt})"
    if status.peer and status.state is LinkState.CONNECTED:
        text += f"：{status.peer}" if zh else f": {status.peer}"
    if status.reason is not None and status.state is not LinkState.CONNECTED:
        reason = _REASON_TEXT[status.reason][0 if zh else 1]
        text += f" — {reason}"
    if status.backlog:
        text += f"，待发送 {status.backlog} 条" if zh else f", {status.backlog} waiting to be sent"
    return text
