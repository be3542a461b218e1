"""The IDX file format of MNIST and Fashion-MNIST, read with numpy (gzip or plain).

An IDX file is a 4-byte magic number (two zero bytes, a type code, the number of dimensions),
one big-endian uint32 per dimension, then the values, big-endian. Every way a file can be wrong
(not gzip, truncated, a bad magic, a size that does not add up) raises ``IdxError`` naming the
file and what was wrong.
"""

from __future__ import annotations

import gzip
import io
import struct
import zlib
from pathlib import Path

import numpy as np

# type code -> numpy dtype (big-endian)
TYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
GZIP_MAGIC = b"\x1f\x8b"
MAX_BYTES = 1 << 30  # no IDX file of these data sets comes near 1 GiB once decompressed


class IdxError(ValueError):
    """A file that is not a well-formed IDX file; the message says which and why."""


def read_idx(path: Path | str) -> np.ndarray:
    """The array stored in an IDX file (``.gz`` or not: the bytes decide)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise IdxError(f"{path}: cannot read the file ({err.strerror or err})") from None
    if raw.startswith(GZIP_MAGIC):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
                raw = stream.read(MAX_BYTES + 1)
        except (OSError, EOFError, zlib.error) as err:
            raise IdxError(f"{path}: broken gzip data ({err}): the file may be cut short") from None
        if len(raw) > MAX_BYTES:
            raise IdxError(f"{path}: over {MAX_BYTES >> 20} MiB once decompressed")
    return parse_idx(raw, str(path))


def parse_idx(raw: bytes, name: str = "<idx>") -> np.ndarray:
    """Decode the (decompressed) bytes of an IDX file."""
    if len(raw) < 4:
        raise IdxError(f"{name}: {len(raw)} bytes is too short for an IDX header")
    zero, code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or code not in TYPES or not 1 <= ndim <= 4:
        raise IdxError(
            f"{name}: not an IDX file (header bytes {raw[:4].hex(' ')}; "
            "expected 00 00, a type code and 1-4 dimensions)"
        )
    start = 4 + 4 * ndim
    if len(raw) < start:
        raise IdxError(f"{name}: truncated in the header ({len(raw)} bytes)")
    shape = struct.unpack(f">{ndim}I", raw[4:start])
    dtype = TYPES[code]
    want = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    have = len(raw) - start
    if have < want:
        raise IdxError(
            f"{name}: truncated: the header promises {want:,} bytes of data for shape "
            f"{'x'.join(map(str, shape))}, the file holds {have:,}"
        )
    if have > want:
        raise IdxError(f"{name}: {have - want:,} bytes more than its header describes")
    return np.frombuffer(raw, dtype=dtype, offset=start).reshape(shape)


def encode_idx(array: np.ndarray) -> bytes:
    """The IDX bytes of ``array`` (uint8 or another IDX type): the inverse of ``parse_idx``."""
    codes = {dtype.newbyteorder(">").str: code for code, dtype in TYPES.items()}
    big = array.astype(array.dtype.newbyteorder(">"), copy=False)
    code = codes.get(big.dtype.str) or codes[np.dtype("u1").str]
    header = struct.pack(">HBB", 0, code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + big.tobytes()
