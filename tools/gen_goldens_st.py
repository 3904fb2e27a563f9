#!/usr/bin/env python3
"""Golden safetensors files for tests/test_safetensors.c.

Written independently of avloc.h, straight from the format description
(u64 LE header length, UTF-8 JSON header, data buffer) with numpy, struct
and json, because Debian ships no `safetensors` package. Values follow
simple formulas that the C test recomputes.

    tools/gen_goldens_st.py            # (re)write tests/golden/st_*.safetensors
    tools/gen_goldens_st.py --check    # regenerate in a temp dir, compare bytes

Files:
  st_ref.safetensors      reference-writer style: tensors sorted by dtype
                          alignment (desc) then name, raw UTF-8 JSON, header
                          padded with spaces to a multiple of 8.
  st_ascii.safetensors    json.dumps(ensure_ascii=True): \\uXXXX escapes and
                          surrogate pairs in names and metadata; header of odd
                          length (misaligned data); tensors listed in the JSON
                          in a different order than their data.
  st_empty.safetensors    "{}" header, no data.
  st_writer_ref.safetensors  exactly what avloc_st_finish must produce for the
                          sequence of calls in test_safetensors.c (metadata
                          first, tensors in call order, compact JSON).
"""
import json
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import golden_check  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "..", "tests", "golden")

ALIGN = {"F64": 8, "I64": 8, "U64": 8, "F32": 4, "I32": 4, "U32": 4, "F16": 2, "BF16": 2,
         "I16": 2, "U16": 2, "U8": 1, "I8": 1, "BOOL": 1, "F8_E4M3": 1, "F8_E5M2": 1}


def bf16_bytes(vals):
    bits = np.asarray(vals, dtype="<f4").view("<u4") >> 16
    return bits.astype("<u2").tobytes()


def ref_tensors():
    """name -> (dtype, shape, little-endian bytes)."""
    t = {}
    t["f64"] = ("F64", [3, 2], ((np.arange(6) - 2.5) / 4).astype("<f8").tobytes())
    t["f32"] = ("F32", [4], (np.arange(4) * 0.25 - 1).astype("<f4").tobytes())
    t["f16"] = ("F16", [6], np.array([0, 1, -2, 0.5, 65504, 2.0 ** -24], dtype="<f2").tobytes())
    t["bf16"] = ("BF16", [3], bf16_bytes([1.0, -3.5, 256.0]))
    t["i64"] = ("I64", [2, 2], np.array([-(2 ** 40), -1, 0, 2 ** 40 + 7], dtype="<i8").tobytes())
    t["i32"] = ("I32", [3], np.array([-2 ** 31, 0, 2 ** 31 - 1], dtype="<i4").tobytes())
    t["i16"] = ("I16", [2], np.array([-32768, 32767], dtype="<i2").tobytes())
    t["i8"] = ("I8", [2], np.array([-128, 127], dtype="i1").tobytes())
    t["u8"] = ("U8", [3], np.array([0, 128, 255], dtype="u1").tobytes())
    t["u16"] = ("U16", [2], np.array([0, 65535], dtype="<u2").tobytes())
    t["u32"] = ("U32", [2], np.array([0, 2 ** 32 - 1], dtype="<u4").tobytes())
    t["u64big"] = ("U64", [], np.array(2 ** 64 - 1, dtype="<u8").tobytes())
    t["bool"] = ("BOOL", [4], np.array([1, 0, 0, 1], dtype="u1").tobytes())
    t["scalar"] = ("F32", [], np.array(3.25, dtype="<f4").tobytes())
    t["empty"] = ("F32", [0, 3], b"")
    t["f8"] = ("F8_E4M3", [2], bytes([0x38, 0x40]))
    t["caf\u00e9/\u65e5\u672c"] = ("F32", [2], np.array([7, 8], dtype="<f4").tobytes())
    return t


META_NOTE = 'line1\nline2 "quoted" \\ tab\t \u00e9 \u65e5\u672c \U0001F600'


def build(tensors, order, data_order, metadata, ensure_ascii, pad):
    """order: JSON key order; data_order: layout order of the bytes."""
    offs, pos = {}, 0
    for name in data_order:
        n = len(tensors[name][2])
        offs[name] = (pos, pos + n)
        pos += n
    hdr = {}
    if metadata is not None:
        hdr["__metadata__"] = metadata
    for name in order:
        dt, shape, _ = tensors[name]
        hdr[name] = {"dtype": dt, "shape": shape, "data_offsets": list(offs[name])}
    text = json.dumps(hdr, separators=(",", ":"), ensure_ascii=ensure_ascii).encode("utf-8")
    if pad:
        text += b" " * ((8 - len(text) % 8) % 8)
    data = b"".join(tensors[n][2] for n in data_order)
    return struct.pack("<Q", len(text)) + text + data


def file_ref():
    t = ref_tensors()
    order = sorted(t, key=lambda n: (-ALIGN[t[n][0]], n))
    return build(t, order, order, {"format": "pt", "note": META_NOTE}, False, True)


def file_ascii():
    t = {
        'quote"back\\slash': ("F32", [2, 2], np.array([1, 2, 3, 4], dtype="<f4").tobytes()),
        "emoji\U0001F600": ("F64", [3], np.array([0.5, -0.25, 1e300], dtype="<f8").tobytes()),
        "tab\tnl\n": ("I32", [1], np.array([-7], dtype="<i4").tobytes()),
        "nothing!": ("I64", [0], b""),
        "h": ("F16", [2], np.array([-0.0, float("inf")], dtype="<f2").tobytes()),
    }
    data_order = ["emoji\U0001F600", 'quote"back\\slash', "nothing!", "tab\tnl\n", "h"]
    order = ["h", "tab\tnl\n", "nothing!", 'quote"back\\slash', "emoji\U0001F600"]
    meta = {"\u00e9t\u00e9": "\U0001F600 caf\u00e9", "ctl": "\x01\x1f/\\"}
    out = build(t, order, data_order, meta, True, False)
    n = struct.unpack("<Q", out[:8])[0]
    if n % 2 == 0:  # keep the data misaligned
        raise SystemExit("st_ascii header length is even; adjust the names")
    return out


def file_empty():
    return build({}, [], [], None, False, True)


def file_writer_ref():
    # Keep in sync with writer_sequence() in tests/test_safetensors.c.
    t = {
        "w": ("F32", [2, 3], (np.arange(6) * 0.5).astype("<f4").tobytes()),
        "b": ("F64", [3], np.array([-1.5, 0, 2.25], dtype="<f8").tobytes()),
        "idx": ("I64", [2], np.array([-3, 2 ** 50], dtype="<i8").tobytes()),
        "s": ("F32", [], np.array(0.125, dtype="<f4").tobytes()),
        "e": ("F32", [0], b""),
        'n"a\\me\x1f\x7f\u00e9': ("U8", [3], bytes([1, 2, 255])),
    }
    order = ["w", "b", "idx", "s", "e", 'n"a\\me\x1f\x7f\u00e9']
    meta = {"format": "pt", "desc": 'a "q" \\ \n\t\x01 \u00e9 \U0001F600', "": "empty key"}
    return build(t, order, order, meta, False, True)


FILES = {
    "st_ref.safetensors": file_ref,
    "st_ascii.safetensors": file_ascii,
    "st_empty.safetensors": file_empty,
    "st_writer_ref.safetensors": file_writer_ref,
}


def write_all(folder):
    for name, fn in FILES.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(fn())


def main():
    return golden_check.main("st", write_all, GOLDEN, golden_check.same_bytes, prefix="st_")


if __name__ == "__main__":
    sys.exit(main())
