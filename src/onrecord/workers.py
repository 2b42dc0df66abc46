"""Work in a process pool, in order, with bounded memory: what parsing and
enrichment both do with their workers.

Items go out in batches and results come back in input order, so a run is
deterministic; at most ``in_flight`` batches are queued, so memory stays
flat however long the input. The distributed runner will do the same across
machines.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.pool import AsyncResult, Pool
from typing import TypeVar

__all__ = ["ordered_batches"]

In = TypeVar("In")
Out = TypeVar("Out")


def ordered_batches(
    pool: Pool,
    task: Callable[[list[In]], list[Out]],
    items: Iterable[In],
    batch_size: int,
    in_flight: int,
) -> Iterator[Out]:
    """``task`` applied in ``pool`` to batches of ``items``; its results in input order."""
    pending: deque[AsyncResult[list[Out]]] = deque()
    batch: list[In] = []
    for item in items:
        batch.append(item)
        if len(batch) >= batch_size:
            pending.append(pool.apply_async(task, (batch,)))
            batch = []
            while len(pending) >= in_flight:
                yield from pending.popleft().get()
    if batch:
        pending.append(pool.apply_async(task, (batch,)))
    while pending:
        yield from pending.popleft().get()
