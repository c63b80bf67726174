"""Background Sync, for real: the checklist is queued during an outage (a proxy in front of the
server, stopped: Chromium's set_offline does not cut a service worker's own fetches), the page
is closed, and the service worker alone sends the outbox when the browser fires the "outbox"
sync event (through the DevTools protocol, as Chromium does when the network returns)."""
from __future__ import annotations

import socket
import threading
import time

import pytest

from tests.sync.test_sync_browser import (
    WAIT,
    fill_checklist,
    first_checklist_url,
    log_in,
    make_available_offline,
    open_checklist,
    stored_submissions,
    visit_id_of,
)

pytestmark = pytest.mark.browser


class Proxy:
    """A TCP forwarder on 127.0.0.1 that can be stopped (every connection cut) and started again
    on the same port: the network between the phone and the server."""

    def __init__(self, upstream_port: int):
        self.upstream = upstream_port
        self.port = 0
        self.listener = None
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()

    def start(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream))
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source, target):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                target.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, target):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self):
        if self.listener is not None:
            self.listener.close()
            self.listener = None
        with self.lock:
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self.sockets = []


@pytest.fixture
def proxy(live_server):
    port = int(live_server.url.rsplit(":", 1)[1])
    running = Proxy(port).start()
    yield running
    running.stop()


def fire_sync(context, origin: str):
    """ServiceWorker.dispatchSyncEvent through a CDP session of a blank page (the checklist page
    is closed; the worker runs on its own)."""
    blank = context.new_page()
    cdp = context.new_cdp_session(blank)
    registrations: list[dict] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while not any(r["scopeURL"].startswith(origin) and not r.get("isDeleted") for r in registrations):
        assert time.monotonic() < deadline, "no service worker registration reported"
        blank.wait_for_timeout(50)
    registration = next(r for r in registrations if r["scopeURL"].startswith(origin) and not r.get("isDeleted"))
    cdp.send("ServiceWorker.dispatchSyncEvent", {"origin": origin, "registrationId": registration["registrationId"],
                                                 "tag": "outbox", "lastChance": False})
    return blank, cdp


def wait_for_rows(live_server, visit_id, count, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        rows = stored_submissions(live_server, visit_id)
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.2)


def test_the_service_worker_drains_the_outbox_on_a_sync_event_with_the_page_closed(live_server, demo, page, proxy):
    base = f"http://127.0.0.1:{proxy.port}"
    context = page.context
    log_in(page, base)
    make_available_offline(page, base)
    checklist = base + first_checklist_url(page, base)
    visit_id = visit_id_of(checklist)
    open_checklist(page, checklist)
    fill_checklist(page)

    proxy.stop()  # the outage: for the page and for the worker
    page.click("button[name=action][value=submit]")
    page.wait_for_selector("#sync-panel[data-pending='1']", timeout=WAIT)
    page.close()

    # a sync event during the outage: the worker tries, fails, keeps the entry
    blank, _cdp = fire_sync(context, base)
    blank.wait_for_timeout(1500)
    assert stored_submissions(live_server, visit_id) == []
    blank.close()

    proxy.start()  # the network is back; no page of the app is open
    assert context.pages == []
    blank, _cdp = fire_sync(context, base)
    rows = wait_for_rows(live_server, visit_id, 1)
    assert len(rows) == 1, "the worker never sent the outbox"
    [row] = rows
    assert row["state"] == "submitted" and row["revision"] == 1
    assert row["answers"]["C1"] == {"male": 60, "female": 40} and row["answers"]["H2"] == "Đã ban hành kế hoạch năm"

    # the outbox is empty afterwards: another sync event, and then the page, send nothing again
    blank.close()
    blank, _cdp = fire_sync(context, base)
    blank.wait_for_timeout(1000)
    blank.close()
    page = context.new_page()
    open_checklist(page, checklist)
    page.wait_for_selector("#sync-panel[data-pending='0'][data-rejected='0']", timeout=WAIT)
    assert len(stored_submissions(live_server, visit_id)) == 1
