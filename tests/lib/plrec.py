"""An independent reader of the perflens recording format (docs/recording-format.md),
used by the tests to know what a damaged file should still yield."""
import struct
import zlib

FRAME = {1: "header", 2: "procs", 3: "strings", 4: "stacks", 5: "events", 6: "tick",
         7: "mark", 8: "ai", 9: "index", 10: "end", 11: "finding", 12: "names"}
EV_IO = (1, 2, 3, 10)  # read, write, sync, inflight


class Cur:
    def __init__(self, b):
        self.b, self.i = b, 0

    def u8(self):
        v = self.b[self.i]
        self.i += 1
        return v

    def varint(self):
        v = shift = 0
        while True:
            c = self.u8()
            v |= (c & 0x7F) << shift
            if not c & 0x80:
                return v
            shift += 7

    def svarint(self):
        v = self.varint()
        return (v >> 1) ^ -(v & 1)


def frames(data):
    """Yield (offset, type, payload) for every whole, CRC-valid frame."""
    assert data[:8] == b"PERFLENS", "bad magic"
    off = 16
    while off + 12 <= len(data):
        ln, typ, flags = struct.unpack_from("<IHH", data, off)
        end = off + 12 + ln
        if end > len(data):
            return
        payload = data[off + 8:off + 8 + ln]
        crc = struct.unpack_from("<I", data, off + 8 + ln)[0]
        want = zlib.crc32(struct.pack("<HH", typ, flags) + payload) & 0xFFFFFFFF
        if crc != want:
            return
        yield off, typ, payload, end
        off = end


def event_types(payload):
    """The type of every event in an EVENTS payload."""
    c = Cur(payload)
    c.varint()            # base ts
    n = c.varint()
    out = []
    for _ in range(n):
        typ = c.u8()
        c.u8()            # kind
        c.svarint()       # dts
        c.varint(); c.varint(); c.varint(); c.varint()  # pid, tid^pid, cgroup, comm
        if typ in EV_IO:
            for _ in range(12):
                c.varint()
            c.u8()
            c.varint()    # file
        elif typ == 4:    # block
            for _ in range(10):
                c.varint()
            c.u8(); c.u8()
            c.varint()
        elif typ == 5:
            c.varint(); c.varint()
        elif typ == 6:
            for _ in range(5):
                c.varint()
        elif typ == 7:
            for _ in range(4):
                c.varint()
        elif typ == 8:
            for _ in range(3):
                c.varint()
        elif typ == 9:    # oom
            for _ in range(4):
                c.varint()
        else:
            raise ValueError(f"unknown event type {typ}")
        out.append(typ)
    return out


def summary(data):
    """Frame counts by name and the event types of every whole frame, in order,
    with the end offset of the frame that holds each event."""
    kinds, events = {}, []
    for off, typ, payload, end in frames(data):
        kinds[FRAME.get(typ, typ)] = kinds.get(FRAME.get(typ, typ), 0) + 1
        if typ == 5:
            events.extend((t, end) for t in event_types(payload))
    return kinds, events
