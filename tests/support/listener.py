"""A loopback TCP listener that records every connection made to it: the proof that the server reached nowhere."""

from __future__ import annotations

import socket
import threading

HOST = "127.0.0.1"

EMPTY_RESULTS = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"remote"}}]}}'


class Listener:
    """Counts every connection made to it; with ``answer``, replies to each with SPARQL JSON."""

    def __init__(self, *, answer: bool = False) -> None:
        self.sock = socket.create_server((HOST, 0))
        self.sock.settimeout(0.1)
        self.url = f"http://{HOST}:{self.sock.getsockname()[1]}/"
        self.answer = answer
        self.requests: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    self.requests.append(conn.recv(65536))
                    if self.answer:
                        head = (
                            "HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                            f"Content-Length: {len(EMPTY_RESULTS)}\r\nConnection: close\r\n\r\n"
                        )
                        conn.sendall(head.encode() + EMPTY_RESULTS)
                except OSError:
                    self.requests.append(b"")

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()
