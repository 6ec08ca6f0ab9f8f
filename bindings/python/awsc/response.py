"""botocore.response.StreamingBody, over the C pull-style body reader
(awsc_body_reader_*: get_object's body is read in the caller's pieces as it
arrives, never held whole) or over bytes already in memory (a body a hook
answered, or a non-streaming payload)."""
import io

from . import _lib
from .exceptions import IncompleteReadError, ResponseStreamingError


class ReaderStream(object):
    """The raw stream of a StreamingBody over a _lib.BodyReader.

    A small read (under _SMALL bytes: iter_chunks() and iter_lines() read
    1 KiB, io wrappers 8 KiB) is served from one C read of up to _AHEAD
    bytes kept here, so that a 1 GiB body read 1 KiB at a time costs a
    Python slice per KiB, not two ctypes calls. That C read
    (awsc_body_reader_read_some) waits only for the bytes asked and takes
    what has arrived beyond them: read(n) returns n bytes (fewer only at
    the end) as soon as they are there, as botocore's."""

    _ALL_PIECE = 1 << 20
    _SMALL = 16 << 10
    _AHEAD = 256 << 10

    __slots__ = ("_reader", "_left", "_pos", "_ahead", "_apos", "_aend")

    def __init__(self, reader, content_length=None):
        self._reader = reader
        self._left = content_length  # bytes still expected, when known
        self._pos = 0  # bytes handed to the caller
        self._ahead = None  # read ahead: [_apos:_aend] not handed out yet
        self._apos = self._aend = 0

    def _c_read(self, n):
        try:
            return self._reader.read(n)
        except _lib.CallFailed as e:
            raise ResponseStreamingError(error=e.message or "the body failed")

    def _read(self, n):
        """n bytes, fewer only at the end of the body."""
        a = self._ahead
        if a is not None:
            p = self._apos
            q = p + n
            end = self._aend
            if q < end:
                self._apos = q
                self._pos += n
                return a[p:q]
            head = a[p:end]
            self._ahead = None
            self._pos += len(head)
            return head + self._read(q - end) if q > end else head
        if n < self._SMALL:
            want = self._AHEAD
            if self._left is not None:
                # not past the known end: the C read would wait for the
                # end of the transfer (its checksum check) to say so
                want = min(want, max(self._left - self._pos, n))
            if want > n:
                try:
                    buf, got = self._reader.read_some(n, want)
                except _lib.CallFailed as e:
                    raise ResponseStreamingError(error=e.message or "the body failed")
                if got > n:
                    self._ahead, self._apos, self._aend = buf, n, got
                    self._pos += n
                    return buf[:n]
                self._pos += got
                return buf[:got]
        data = self._c_read(n)
        self._pos += len(data)
        return data

    def read(self, amt=None):
        if amt is not None and amt >= 0:
            if not amt:
                return b""
            return self._read(amt)
        if self._left is not None:
            want = self._left - self._pos
            if 0 <= want < self._SMALL and self._ahead is None:
                # a small rest and the end in one C read (one byte more
                # than is left: the read returns at the end of the body,
                # its checks done)
                data = self._c_read(want + 1)
                self._pos += len(data)
                if len(data) <= want:
                    return data
                pieces = [data]  # more than Content-Length said
                while True:
                    piece = self._read(self._ALL_PIECE)
                    if not piece:
                        return b"".join(pieces)
                    pieces.append(piece)
            # the whole rest in one piece of its known size (one copy), then
            # the end of the body checked
            first = self._read(want) if want > 0 else b""
            if len(first) < want:
                return first
            # the end, with a piece of one byte (a piece of _ALL_PIECE would
            # be a 1 MiB bytes allocated for nothing on every small body)
            more = self._read(1)
            if not more:
                return first
            pieces = [first, more]
        else:
            pieces = []
        while True:
            piece = self._read(self._ALL_PIECE)
            if not piece:
                return b"".join(pieces)
            pieces.append(piece)

    def readinto(self, b):
        m = memoryview(b).cast("B")
        a = self._ahead
        if a is not None:
            # what was read ahead first (fewer bytes than asked is a
            # readinto's right)
            p = self._apos
            k = min(len(m), self._aend - p)
            m[:k] = memoryview(a)[p:p + k]
            self._apos = p + k
            if self._apos == self._aend:
                self._ahead = None
            self._pos += k
            return k
        try:
            n = self._reader.readinto(m)
        except _lib.CallFailed as e:
            raise ResponseStreamingError(error=e.message or "the body failed")
        self._pos += n
        return n

    def readlines(self):
        return io.BytesIO(self.read()).readlines()

    def tell(self):
        return self._pos

    def close(self):
        self._ahead = None
        self._reader.close()

    @property
    def closed(self):
        return self._reader.closed


class StreamingBody(io.IOBase):
    _DEFAULT_CHUNK_SIZE = 1024

    def __init__(self, raw_stream, content_length=None):
        self._raw_stream = raw_stream
        self._content_length = content_length
        self._amount_read = 0

    @classmethod
    def from_bytes(cls, data):
        return cls(io.BytesIO(data), len(data))

    @classmethod
    def from_reader(cls, reader, content_length=None):
        return cls(ReaderStream(reader, content_length), content_length)

    def set_socket_timeout(self, timeout):
        """No socket to tune: the body has arrived already."""

    def readable(self):
        return not self._raw_stream.closed

    def read(self, amt=None):
        chunk = self._raw_stream.read() if amt is None or amt < 0 else self._raw_stream.read(amt)
        self._amount_read += len(chunk)
        if (amt is None or amt < 0 or (not chunk and amt > 0)):
            self._verify_content_length()
        return chunk

    def readinto(self, b):
        n = self._raw_stream.readinto(b)
        self._amount_read += n
        if n == 0 and len(b):
            self._verify_content_length()
        return n

    def readlines(self):
        return self._raw_stream.readlines()

    def __iter__(self):
        return self.iter_chunks(self._DEFAULT_CHUNK_SIZE)

    def __next__(self):
        chunk = self.read(self._DEFAULT_CHUNK_SIZE)
        if chunk:
            return chunk
        raise StopIteration()

    def __enter__(self):
        return self

    def __exit__(self, *args):
        self.close()

    next = __next__

    def iter_lines(self, chunk_size=_DEFAULT_CHUNK_SIZE, keepends=False):
        pending = b""
        for chunk in self.iter_chunks(chunk_size):
            lines = (pending + chunk).splitlines(True)
            for line in lines[:-1]:
                yield line.splitlines(keepends)[0]
            pending = lines[-1]
        if pending:
            yield pending.splitlines(keepends)[0]

    def iter_chunks(self, chunk_size=_DEFAULT_CHUNK_SIZE):
        while True:
            current = self.read(chunk_size)
            if current == b"":
                break
            yield current

    def _verify_content_length(self):
        if self._content_length is not None and self._amount_read != int(self._content_length):
            raise IncompleteReadError(actual_bytes=self._amount_read,
                                      expected_bytes=int(self._content_length))

    def tell(self):
        return self._raw_stream.tell()

    def close(self):
        self._raw_stream.close()

    @property
    def closed(self):
        return self._raw_stream.closed
