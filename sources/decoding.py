"""Content decoding with a bound on what each step may produce: gzip (every member),
deflate (zlib-wrapped or raw), br, and any chain of them.

Ours, not httpx's: httpx's decoders inflate a whole network chunk at once (64 KiB of a
brotli bomb can be gigabytes before a cap can count it), stop at the first gzip member,
and do not notice a compressed stream that was cut short. Here every step is given the
room left under the cap, a stream that ends before its compressed end is an error, and
gzip members follow one another as RFC 1952 allows.
"""

from __future__ import annotations

import zlib
from typing import Protocol

import brotli


class DecodeError(Exception):
    """The body is not what its Content-Encoding says, or it was cut short."""


class OverflowBody(Exception):
    """Decoding would produce more than the room it was given; ``partial`` holds the
    decoded bytes of the chunk up to that point."""

    def __init__(self, partial: bytes = b"") -> None:
        super().__init__("decoded body over its room")
        self.partial = partial


class _Step(Protocol):
    def decode(self, data: bytes, room: int) -> bytes: ...
    def finish(self) -> None: ...


class _Gzip:
    """One gzip member after another; trailing bytes that start no member are ignored."""

    def __init__(self) -> None:
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        self._started = False

    def decode(self, data: bytes, room: int) -> bytes:
        out = bytearray()
        while data:
            self._started = True
            if len(out) >= room:  # (a max_length of 0 would mean "no limit")
                raise OverflowBody(bytes(out))
            try:
                out += self._zlib.decompress(data, room - len(out))
            except zlib.error as exc:
                raise DecodeError(f"cannot decode the gzip body: {exc}") from exc
            if self._zlib.unconsumed_tail:
                raise OverflowBody(bytes(out))
            data = self._zlib.unused_data if self._zlib.eof else b""
            if data and not data.startswith(b"\x1f\x8b"):
                data = b""  # padding or garbage after the last member, as browsers allow
            elif data:
                self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)
        return bytes(out)

    def finish(self) -> None:
        if self._started and not self._zlib.eof:
            raise DecodeError("the gzip body was cut short")


class _Deflate:
    """Deflate as servers send it: zlib-wrapped, or (often) raw."""

    def __init__(self) -> None:
        self._zlib: zlib._Decompress | None = None

    def decode(self, data: bytes, room: int) -> bytes:
        if not data:
            return b""
        try:
            if self._zlib is None:
                self._zlib = zlib.decompressobj()
                try:
                    out = self._zlib.decompress(data, room)
                except zlib.error:
                    self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                    out = self._zlib.decompress(data, room)
            else:
                out = self._zlib.decompress(data, room)
        except zlib.error as exc:
            raise DecodeError(f"cannot decode the deflate body: {exc}") from exc
        if self._zlib.unconsumed_tail:
            raise OverflowBody(out)
        return out

    def finish(self) -> None:
        if self._zlib is not None and not self._zlib.eof:
            raise DecodeError("the deflate body was cut short")


class _Brotli:
    def __init__(self) -> None:
        self._brotli = brotli.Decompressor()
        self._started = False

    def decode(self, data: bytes, room: int) -> bytes:
        if not data:
            return b""
        self._started = True
        try:
            out: bytes = self._brotli.process(data, output_buffer_limit=room)
        except brotli.error as exc:
            raise DecodeError(f"cannot decode the br body: {exc}") from exc
        if len(out) > room or not self._brotli.can_accept_more_data():
            raise OverflowBody(out[:room])
        return out

    def finish(self) -> None:
        if self._started and not self._brotli.is_finished():
            raise DecodeError("the br body was cut short")


_STEPS: dict[str, type[_Step]] = {
    "gzip": _Gzip,
    "x-gzip": _Gzip,
    "deflate": _Deflate,
    "br": _Brotli,
}
ACCEPT_ENCODING = "gzip, deflate, br"


class BodyDecoder:
    """Undoes a Content-Encoding chunk by chunk; any coding it does not know (``identity``,
    or a misconfigured ``utf-8``) passes through, as in httpx."""

    def __init__(self, content_encoding: str) -> None:
        names = [name.strip().lower() for name in content_encoding.split(",")]
        # Codings are listed in the order they were applied: undo the last first.
        self._steps = [_STEPS[name]() for name in reversed(names) if name in _STEPS]

    def decode(self, data: bytes, room: int) -> bytes:
        """The decoded bytes of ``data``; OverflowBody past ``room`` bytes out of one step."""
        for index, step in enumerate(self._steps):
            try:
                data = step.decode(data, room)
            except OverflowBody as over:
                if index == len(self._steps) - 1:
                    raise
                raise OverflowBody() from over  # an inner step's bytes are not the body
        return data

    def finish(self) -> None:
        """DecodeError unless every step saw its stream's end."""
        for step in self._steps:
            step.finish()
