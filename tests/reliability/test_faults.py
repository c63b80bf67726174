"""Faults in the middle of a sync load: a gunicorn worker killed, the whole server restarted.

20 inspectors sync 4 revisions of 3 checklists each through a real gunicorn (3 workers) on the
test database. In the middle of it a worker is SIGKILLed (twice), or every process of the server
is SIGKILLed and the server started again on the same port. The clients resend whatever did not
get an answer, with the same uuid and revision. Afterwards every checklist is stored exactly once
at its latest revision, each revision of its history exactly once, no client saw an error it
could not retry, and SQLite's integrity check says ok.
"""
from __future__ import annotations

import time

from bench.load import harness

ROUNDS = 4


def expected_syncs(plan) -> int:
    """The sync requests of a run without faults: a batch per round, and for every third inspector
    (harness.run_inspector) a resend of each batch and, from round 2, an older revision."""
    resenders = sum(1 for inspector in plan.inspectors if inspector.user_id % 3 == 0)
    return len(plan.inspectors) * ROUNDS + resenders * (2 * ROUNDS - 1)


def finish(server, plan, stats, database) -> harness.Check:
    assert stats.errors == [], stats.errors[:5]
    assert stats.finished - stats.started < 60
    check = harness.check_exactly_once(database, plan, ROUNDS)
    assert check.ok, check.summary()
    assert check.found == plan.submissions and check.revisions == plan.submissions * ROUNDS
    log = server.log_path.read_text(errors="replace")
    assert "database is locked" not in log
    return check


def test_killing_workers_mid_run_loses_and_duplicates_nothing(load_server, database):
    server, plan = load_server
    killed = []

    def faults(stats):
        for share in (0.25, 0.5):
            harness.wait_for_syncs(stats, int(expected_syncs(plan) * share), timeout=40)
            assert stats.sync_done < expected_syncs(plan), "the run ended before the fault"
            killed.append(server.kill_worker())
            time.sleep(0.2)

    stats = harness.run_load(server.url, plan, ROUNDS, deadline=50, think=0.05, during=faults)
    finish(server, plan, stats, database)
    assert len(killed) == 2
    deadline = time.monotonic() + 10
    while len(server.worker_pids()) < server.workers and time.monotonic() < deadline:
        time.sleep(0.1)
    workers = server.worker_pids()
    assert not set(killed) & set(workers), "the killed workers are still there"
    assert len(workers) == server.workers, "the master did not replace the killed workers"


def test_restarting_the_server_mid_run_loses_and_duplicates_nothing(load_server, database):
    server, plan = load_server
    restarted = []

    def faults(stats):
        harness.wait_for_syncs(stats, int(expected_syncs(plan) * 0.3), timeout=40)
        assert stats.sync_done < expected_syncs(plan), "the run ended before the fault"
        old = server.process.pid
        server.restart(hard=True)  # SIGKILL to master and workers: a crash, not a clean stop
        restarted.append((old, server.process.pid))

    stats = harness.run_load(server.url, plan, ROUNDS, deadline=50, think=0.05, during=faults)
    finish(server, plan, stats, database)
    assert restarted and restarted[0][0] != restarted[0][1]
    # The clients noticed: requests failed while the server was down and were sent again.
    assert sum(stats.failures.values()) > 0, stats.failures


def test_a_graceful_restart_mid_run_loses_nothing(load_server, database):
    """SIGTERM (what a deploy does): requests in flight finish, new ones wait for the new server."""
    server, plan = load_server

    def faults(stats):
        harness.wait_for_syncs(stats, int(expected_syncs(plan) * 0.4), timeout=40)
        server.restart(hard=False)

    stats = harness.run_load(server.url, plan, ROUNDS, deadline=50, think=0.05, during=faults)
    finish(server, plan, stats, database)


def test_answers_lost_on_the_way_back_are_not_stored_twice(load_server, database):
    """Every 4th sync answer is lost after the server stored the batch (a proxy cuts the line):
    the phone sends the same batch again and the server recognises it (unchanged)."""
    server, plan = load_server
    proxy = harness.LossyProxy(server.port, every=4)
    try:
        stats = harness.run_load(proxy.url, plan, ROUNDS, deadline=50, think=0.02)
    finally:
        proxy.stop()
    finish(server, plan, stats, database)
    assert proxy.dropped >= expected_syncs(plan) // 4 - 1
    # The first answer an inspector got for a batch was "unchanged" exactly when the lost answer
    # had been to that very batch (the resends of every third inspector come on top).
    assert stats.items.get("unchanged", 0) > 0, stats.items
