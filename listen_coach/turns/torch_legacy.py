"""Read a legacy (pre-1.6) PyTorch checkpoint into numpy, without torch.

The file is five pickles in a row (magic number, protocol version, system info,
the object, the storage keys) followed by each storage's raw bytes. A restricted
unpickler rebuilds tensors as numpy views and refuses every other class, so the
file cannot run code.
"""

from __future__ import annotations

import collections
import pickle
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

MAGIC = 0x1950A86A20F9469CFC6C
_DTYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64, "LongStorage": np.int64,
           "IntStorage": np.int32, "HalfStorage": np.float16, "ByteStorage": np.uint8}


@dataclass
class _Storage:
    key: str
    dtype: Any
    size: int
    data: np.ndarray | None = None


@dataclass
class _TensorRef:
    storage: _Storage
    offset: int
    shape: tuple[int, ...]
    stride: tuple[int, ...]


class _Unpickler(pickle.Unpickler):
    def __init__(self, fh: BinaryIO, storages: dict[str, _Storage]):
        super().__init__(fh)
        self.storages = storages

    def find_class(self, module: str, name: str) -> Any:
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        if module == "torch._utils" and name in ("_rebuild_tensor", "_rebuild_tensor_v2"):
            return lambda storage, offset, shape, stride, *_: _TensorRef(
                storage, offset, tuple(shape), tuple(stride))
        if module == "torch" and name in _DTYPES:
            return name
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}")

    def persistent_load(self, pid: Any) -> Any:
        kind, storage_type, key, _location, size, *_ = pid
        if kind != "storage" or storage_type not in _DTYPES:
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        if key not in self.storages:
            self.storages[key] = _Storage(key, _DTYPES[storage_type], size)
        return self.storages[key]


def _resolve(obj: Any) -> Any:
    if isinstance(obj, _TensorRef):
        data = obj.storage.data
        assert data is not None
        item = data.itemsize
        return np.lib.stride_tricks.as_strided(
            data[obj.offset:], shape=obj.shape, strides=[s * item for s in obj.stride]).copy()
    if isinstance(obj, dict):
        return {k: _resolve(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return type(obj)(_resolve(v) for v in obj)
    return obj


def load(path: Path) -> Any:
    """The checkpoint's object, with every tensor as a numpy array."""
    storages: dict[str, _Storage] = {}
    with open(path, "rb") as fh:
        if _Unpickler(fh, storages).load() != MAGIC:
            raise ValueError(f"{path} is not a legacy PyTorch checkpoint")
        _Unpickler(fh, storages).load()  # protocol version
        _Unpickler(fh, storages).load()  # system info
        obj = _Unpickler(fh, storages).load()
        keys = _Unpickler(fh, storages).load()
        for key in keys:
            storage = storages[key]
            (count,) = struct.unpack("<q", fh.read(8))
            raw = fh.read(count * np.dtype(storage.dtype).itemsize)
            storage.data = np.frombuffer(raw, dtype=storage.dtype)
    return _resolve(obj)
