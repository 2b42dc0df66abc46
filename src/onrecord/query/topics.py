"""Queries over topics: the kept topic model's topics with their counts by month."""

from __future__ import annotations

from onrecord.enrich import topics as topic_model
from onrecord.query.results import ResultList, Topic
from onrecord.store.base import AnnotationQuery, Store

__all__ = ["topics"]


def topics(store: Store, query: AnnotationQuery) -> ResultList[Topic]:
    """Topics of the kept model over the selected paragraphs, most paragraphs first."""
    model = topic_model.load(store)
    if model is None:
        return ResultList()
    months: dict[str, list[tuple[str, int]]] = {}
    for key, month, number in store.annotation_months(query):
        months.setdefault(key, []).append((month, number))
    results: ResultList[Topic] = ResultList()
    for count in store.annotation_counts(query):
        index = int(count.key.rpartition("-")[2]) - 1
        results.append(
            Topic(
                topic_id=count.key,
                keywords=model.labels[index] if 0 <= index < len(model.labels) else (),
                paragraphs=count.mentions,
                documents=count.documents,
                speakers=count.speakers,
                first_date=count.first_date,
                last_date=count.last_date,
                by_month=tuple(months.get(count.key, ())),
                model=model.version,
            )
        )
    return results
