"""botocore.response.StreamingBody over what the C library gives today: the
whole body in memory (the generic JSON call reads it whole) or a file.  When
the C pull-style body reader lands (_lib.has_body_reader), a reader-backed raw
stream slots in behind the same class."""
import io

from .exceptions import IncompleteReadError


class StreamingBody(io.IOBase):
    _DEFAULT_CHUNK_SIZE = 1024

    def __init__(self, raw_stream, content_length=None):
        self._raw_stream = raw_stream
        self._content_length = content_length
        self._amount_read = 0

    @classmethod
    def from_bytes(cls, data):
        return cls(io.BytesIO(data), len(data))

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
        data = self.read(len(b))
        n = len(data)
        b[:n] = data
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
