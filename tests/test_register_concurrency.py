"""Several people saving one deal at once, as threads and as processes, on SQLite and on PostgreSQL.

Each writer (register_support.write) first plays ROUNDS rounds in which every writer saves on the same head, so
exactly one save per round is accepted and the others are refused; then each makes EXTRA accepted saves, retrying
after each refusal. Afterwards the register must hold exactly the accepted saves, numbered 1, 2, 3... with no gap
and no number twice, in the order they were accepted; every refused save must have been reported to its writer,
naming the save that beat it, and must not be in the register.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from register_support import KEY, location, pg_location, process_writer, write  # noqa: F401 - fixtures

from valueshare.register.sql import open_register

WRITERS = 4
ROUNDS = 3
EXTRA = 2
TIMEOUT = 120


def check_history(location: str, outcomes: dict[str, list[tuple]]) -> None:
    repo = open_register(location)
    try:
        stored = repo.versions(KEY)
    finally:
        repo.close()
    accepted = {o[1]: o[2] for results in outcomes.values() for o in results if o[0] == "accepted"}
    refused = [o for results in outcomes.values() for o in results if o[0] == "refused"]

    # Every accepted save is there, at the number its writer was told; nothing else is; no number twice or missed.
    assert sorted(accepted.values()) == list(range(1, len(accepted) + 1))
    assert {v.note: v.number for v in stored} == accepted
    assert [v.number for v in stored] == list(range(1, len(stored) + 1))
    # In order: each writer's saves got rising numbers, and times never go back as numbers go up.
    for name, results in outcomes.items():
        mine = [o[2] for o in results if o[0] == "accepted"]
        assert mine == sorted(mine) and len(mine) >= EXTRA, name
        assert all(v.author == name for v in stored if v.note.startswith(f"{name} "))
    assert all(a.saved_at <= b.saved_at for a, b in zip(stored, stored[1:], strict=False))
    # Round saves: one per round accepted (round 1 creates the deal), and the rest of that round refused.
    assert len(accepted) == ROUNDS + WRITERS * EXTRA
    round_refusals = [o for o in refused if o[2] is None or o[2] < ROUNDS]
    assert len(round_refusals) == ROUNDS * (WRITERS - 1)
    # Every refusal names a newer version that exists, with the author who saved it, and is absent itself.
    by_number = {v.number: v for v in stored}
    for _, note, base, newer, author in refused:
        assert newer > (base or 0) and by_number[newer].author == author
        assert note not in {v.note for v in stored}


def test_threads_saving_one_deal_lose_nothing_and_are_told_of_every_refusal(location):
    repo = open_register(location, timeout_seconds=30)  # one engine for the process, shared by its threads
    barrier = threading.Barrier(WRITERS, timeout=TIMEOUT)

    def run(i: int) -> list[tuple]:
        try:
            return write(f"thread{i}", lambda: repo, barrier, ROUNDS, EXTRA)
        except BaseException:
            barrier.abort()
            raise

    try:
        with ThreadPoolExecutor(WRITERS) as pool:
            outcomes = dict(zip((f"thread{i}" for i in range(WRITERS)), pool.map(run, range(WRITERS)), strict=False))
    finally:
        repo.close()
    check_history(location, outcomes)


def test_processes_saving_one_deal_lose_nothing_and_are_told_of_every_refusal(location):
    # Each process opens the new register at the same moment: they also race to create its tables.
    # forkserver: a clean server process (no threads inherited from pytest) imports valueshare once, then forks
    # each writer from it, which is much quicker than a fresh interpreter per writer (spawn).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["register_support", "valueshare.register.sql", "valueshare.register.service"])
    barrier = context.Barrier(WRITERS, timeout=TIMEOUT)
    results = context.Queue()
    names = [f"process{i}" for i in range(WRITERS)]
    workers = [context.Process(target=process_writer, args=(name, location, barrier, ROUNDS, EXTRA, results))
               for name in names]
    for worker in workers:
        worker.start()
    try:
        reports = [results.get(timeout=TIMEOUT) for _ in workers]
    finally:
        for worker in workers:
            worker.join(timeout=TIMEOUT)
            if worker.is_alive():
                worker.terminate()
    failures = [error for _, _, error in reports if error]
    assert not failures, failures[0]
    check_history(location, {name: outcomes for name, outcomes, _ in reports})


@pytest.mark.parametrize("writers", [WRITERS])
def test_the_database_refuses_a_second_version_with_the_same_number(location, writers):
    """Python is not the only guard: straight SQL that skips the head check cannot reuse a number."""
    import sqlalchemy as sa
    from register_support import fee_deal

    from valueshare.register import service

    repo = open_register(location)
    try:
        service.save(repo, fee_deal(), author="Ana", note="n", base_version=None, key=KEY)
        with repo.engine.connect() as conn:
            row = dict(conn.execute(sa.text("SELECT * FROM register_versions")).mappings().one())
        row.pop("id")
        columns = ", ".join(row)
        values = ", ".join(f":{c}" for c in row)
        with pytest.raises(sa.exc.DBAPIError), repo.engine.begin() as conn:
            conn.execute(sa.text(f"INSERT INTO register_versions ({columns}) VALUES ({values})"), row)
        assert [v.number for v in repo.versions(KEY)] == [1]
    finally:
        repo.close()
