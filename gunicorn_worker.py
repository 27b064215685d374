"""gunicorn's gthread worker, stopping without leaving connections to be reset.

Measured with gunicorn 27.0.1 (tests/stack/test_stack_shutdown.py): on SIGTERM its workers stop
accepting but keep their copy of the listening socket open until they exit, after draining for
up to graceful_timeout. Meanwhile the kernel still completes every new TCP handshake into the
accept queue: a client connecting after SIGTERM sends its request, waits for the whole drain,
and is then reset with no answer (for a write it cannot know that nothing was stored). The
handshakes already queued at SIGTERM, requests from the client's point of view already in
flight, end the same way.

This worker, on SIGTERM only, first accepts what is already queued and serves it like any
request in flight, then closes its listening socket at once. The master closes its own copy on
SIGTERM, so once every worker has done this the port is closed: a later client is refused at
connect, before sending anything, which any client may safely retry. (Recycling after
max_requests is gunicorn's own behaviour, unchanged: the other workers keep the socket open.)

Top-level, not under dashboard/: gunicorn's master imports it, and importing the dashboard
package would load the whole app into the master even with GUNICORN_PRELOAD=false.
"""

from __future__ import annotations

import select
from types import FrameType

from gunicorn.workers.gthread import ThreadWorker

# A bound on the connections taken from the accept queue at stop (the listen backlog's size):
# under a flood of new connections the loop still ends.
MAX_QUEUED_TAKEN = 2048


class DrainingThreadWorker(ThreadWorker):
    stopping = False
    listeners_closed = False

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """SIGTERM: the graceful stop (SIGQUIT and SIGINT stop at once, as in gunicorn)."""
        self.stopping = True
        super().handle_exit(sig, frame)

    def set_accept_enabled(self, enabled: bool) -> None:
        if not self.stopping:
            super().set_accept_enabled(enabled)
        elif not self.listeners_closed:
            super().set_accept_enabled(False)
            self._take_queued_then_close()
            self.listeners_closed = True

    def _take_queued_then_close(self) -> None:
        for listener in self.sockets:
            for _ in range(MAX_QUEUED_TAKEN):
                readable, _, _ = select.select([listener], [], [], 0)
                if not readable:
                    break
                self.accept(listener)
            listener.close()
