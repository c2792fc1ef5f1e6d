#!/usr/bin/python3
"""A DHCP prober for the benchmarks: run inside a namespace whose interface is on the
network's bridge.  Reads lines "<mac>" on stdin; for each, broadcasts DHCPDISCOVERs
with that client hardware address every few milliseconds until dnsmasq OFFERs an
address for it (or a timeout), then prints "<mac> <ms> <offered ip|none>".

It measures what the issue asks: the time until dnsmasq *serves* a host entry,
independent of a DHCP client's own delays (busybox udhcpc spends ~100 ms in socket
set-up per lease, docs/behaviour/dataplane.md §5).  One AF_PACKET socket is bound once."""

import os
import select
import socket
import struct
import sys
import time

ETH_P_IP = 0x0800


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def discover(mac, xid):
    bootp = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0, 0x8000,
                        b"\0" * 4, b"\0" * 4, b"\0" * 4, b"\0" * 4, mac + b"\0" * 10,
                        b"\0" * 64, b"\0" * 128)
    options = b"\x63\x82\x53\x63" + b"\x35\x01\x01" + b"\x37\x02\x01\x03" + b"\xff"
    payload = bootp + options
    udp_len = 8 + len(payload)
    udp = struct.pack("!HHHH", 68, 67, udp_len, 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, 0, 0, 64, 17, 0,
                     b"\0" * 4, b"\xff" * 4)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    eth = b"\xff" * 6 + mac + struct.pack("!H", ETH_P_IP)
    return eth + ip + udp


def offered(frame, xid, mac):
    """The offered address if 'frame' is a DHCP answer for (xid, mac)."""
    if len(frame) < 14 + 20 + 8 + 240 or frame[12:14] != b"\x08\x00":
        return None
    ihl = (frame[14] & 0x0F) * 4
    if frame[14 + 9] != 17:
        return None
    udp = 14 + ihl
    if struct.unpack("!H", frame[udp + 2:udp + 4])[0] != 68:
        return None
    bootp = udp + 8
    op, _, _, _, got_xid = struct.unpack("!BBBBI", frame[bootp:bootp + 8])
    if op != 2 or got_xid != xid or frame[bootp + 28:bootp + 34] != mac:
        return None
    return socket.inet_ntoa(frame[bootp + 16:bootp + 20])


def main():
    iface = sys.argv[1]
    timeout = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
    interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.002
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
    s.bind((iface, 0))
    print("ready", flush=True)
    for line in sys.stdin:
        text = line.strip()
        if not text:
            continue
        mac = bytes.fromhex(text.replace(":", ""))
        xid = int.from_bytes(os.urandom(4), "big")
        start = time.monotonic()
        next_send = start
        ip = None
        while ip is None and time.monotonic() - start < timeout:
            now = time.monotonic()
            if now >= next_send:
                s.send(discover(mac, xid))
                next_send = now + interval
            ready, _, _ = select.select([s], [], [], max(0.0, next_send - time.monotonic()))
            while ready and ip is None:
                ip = offered(s.recv(2048), xid, mac)
                ready, _, _ = select.select([s], [], [], 0)
        ms = (time.monotonic() - start) * 1000
        print("%s %.2f %s" % (text, ms, ip or "none"), flush=True)


if __name__ == "__main__":
    main()
