"""HTTPS in waitress, which itself speaks plain HTTP only.

Wrapping waitress's listening socket with ``ssl`` (``create_server(...,
sockets=[wrapped])``) looks like enough but is not: the TLS handshake then
runs inside ``accept()`` on waitress's single event-loop thread, so one
phone that connects and says nothing (or an ``http://`` address typed on the
HTTPS port) stops the whole server until it gives up; and waitress does not
know that TLS can hold decrypted bytes the socket no longer shows, nor the
"want read"/"want write" answers of a non-blocking TLS socket.

So each accepted connection is wrapped without a handshake, and
:class:`TlsChannel` (waitress's own channel) performs the handshake, reads
and writes without ever blocking the loop. Plain HTTP and HTTPS are two
listening sockets in one waitress loop, sharing one pool of worker threads.

Pure Python (waitress and ``ssl``): no Flask."""

from __future__ import annotations

import ssl
import threading
import time

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import MultiSocketServer, TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher


def server_context(cert_file, key_file) -> ssl.SSLContext:
    """TLS 1.2 or newer, HTTP/1.1, with this certificate chain and key."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.set_alpn_protocols(["http/1.1"])
    context.load_cert_chain(str(cert_file), str(key_file))
    return context


class TlsChannel(HTTPChannel):
    """An HTTP channel over a non-blocking TLS socket."""

    handshaken = False
    handshake_wants_write = False

    def __init__(self, server, sock, addr, adj, map=None):
        # One TLS connection must not be read and written by two threads at
        # once (waitress writes from worker threads too).
        self.tls_lock = threading.Lock()
        super().__init__(server, sock, addr, adj, map=map)

    def _handshake(self) -> bool:
        try:
            with self.tls_lock:
                self.socket.do_handshake()
        except ssl.SSLWantReadError:
            self.handshake_wants_write = False
            return False
        except ssl.SSLWantWriteError:
            self.handshake_wants_write = True
            return False
        except (ssl.SSLError, OSError):  # plain HTTP on this port, an untrusted certificate, a reset
            self.handle_close()
            return False
        self.handshaken = True
        self.handshake_wants_write = False
        return True

    def writable(self):
        if not self.handshaken:
            return self.handshake_wants_write
        return super().writable()

    def handle_write(self):
        if not self.handshaken:
            self._handshake()
            return
        super().handle_write()

    def handle_read(self):
        if not self.handshaken and not self._handshake():
            return
        chunks, closed = [], False
        try:
            with self.tls_lock:
                while True:
                    chunk = self.socket.recv(self.adj.recv_bytes)
                    if not chunk:
                        closed = True
                        break
                    chunks.append(chunk)
                    if not self.socket.pending():  # TLS may hold bytes the socket no longer shows
                        break
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
            pass
        except (ssl.SSLError, OSError):
            closed = True
        if chunks:
            self.last_activity = time.time()
            self.received(b"".join(chunks))
        if closed:
            self.handle_close()
            self.connected = False

    def send(self, data, do_close=True):
        try:
            with self.tls_lock:
                return super().send(data, do_close)
        except (ssl.SSLWantWriteError, ssl.SSLWantReadError):
            return 0


class TlsServer(TcpWSGIServer):
    """A waitress server whose connections speak TLS. ``ssl_context`` may be
    replaced while it runs (a renewed certificate); new connections use it."""

    channel_class = TlsChannel

    def __init__(self, application, ssl_context: ssl.SSLContext, **kw):
        self.ssl_context = ssl_context
        super().__init__(application, **kw)

    def accept(self):
        pair = super().accept()
        if pair is None:
            return None
        conn, addr = pair
        try:
            return self.ssl_context.wrap_socket(conn, server_side=True, do_handshake_on_connect=False), addr
        except (ssl.SSLError, OSError):
            conn.close()
            return None


def create_servers(app, *, host: str, port: int, https_port: int, ssl_context: ssl.SSLContext, threads: int = 8,
                   **adjustments):
    """Plain HTTP on ``port`` and HTTPS on ``https_port`` in one waitress
    loop. Returns (runner with ``run()`` and ``close()``, http server, https server)."""
    socket_map: dict = {}
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(threads)
    plain_adj = Adjustments(host=host, port=port, threads=threads, **adjustments)
    tls_adj = Adjustments(host=host, port=https_port, threads=threads, url_scheme="https", **adjustments)
    plain = TcpWSGIServer(app, map=socket_map, dispatcher=dispatcher, adj=plain_adj)
    secure = TlsServer(app, ssl_context, map=socket_map, dispatcher=dispatcher, adj=tls_adj)
    listening = [(plain.effective_host, plain.effective_port), (secure.effective_host, secure.effective_port)]
    runner = MultiSocketServer(socket_map, plain_adj, listening, dispatcher, plain.log_info)
    return runner, plain, secure


class CertificateWatcher(threading.Thread):
    """Every ``interval`` seconds, asks ``renew()`` for a new SSL context
    (None when nothing changed) and hands a new one to the server."""

    def __init__(self, server: TlsServer, renew, interval: float = 60.0, logger=None):
        super().__init__(name="academy-certificate-watcher", daemon=True)
        self.server, self.renew, self.interval, self.logger = server, renew, interval, logger
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.wait(self.interval):
            try:
                context = self.renew()
            except Exception:  # keep serving with the certificate we have
                if self.logger:
                    self.logger.exception("the box's certificate could not be renewed")
                continue
            if context is not None:
                self.server.ssl_context = context

    def stop(self):
        self.stopped.set()
