"""A minimal WebSocket client over any connected socket (plain or TLS), standard library only:
the upgrade, masked text frames out, unfragmented server frames in. Enough for the operations
tests to see the server's own frames; the full protocol is tested elsewhere."""

import base64
import json
import os


def upgrade(sock, authorization, path="/v1/ws"):
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(("GET %s HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\nAuthorization: %s\r\n\r\n"
                  % (path, key, authorization)).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        if not chunk:
            raise ConnectionError("closed during the upgrade")
        head += chunk
    return head


def _exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def read_frame(sock):
    """One unfragmented, unmasked server frame: (opcode, payload)."""
    first, second = _exactly(sock, 2)
    length = second & 0x7F
    if length == 126:
        length = int.from_bytes(_exactly(sock, 2), "big")
    elif length == 127:
        length = int.from_bytes(_exactly(sock, 8), "big")
    return first & 0x0F, _exactly(sock, length)


def read_json(sock):
    """The next text message, skipping pings and other control frames."""
    while True:
        opcode, payload = read_frame(sock)
        if opcode == 1:
            return json.loads(payload)


def send_json(sock, message):
    data = json.dumps(message).encode()
    mask = os.urandom(4)
    if len(data) < 126:
        header = bytes([0x81, 0x80 | len(data)])
    else:
        header = bytes([0x81, 0x80 | 126]) + len(data).to_bytes(2, "big")
    sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))
