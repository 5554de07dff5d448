"""The floret row cache gives the rows the table gives, whatever it has met before."""
import numpy
from spacy.strings import StringStore
from spacy.vectors import Vectors

from pipeline.nlp.vector_rows import CachedVectorRows

WORDS = ["zorvantinib", "quibbleosis", "the", "rash", "grade", "nausea", "of", "in"]


def floret_table() -> Vectors:
    strings = StringStore(WORDS)
    data = numpy.random.default_rng(0).normal(size=(64, 5)).astype("float32")
    return Vectors(strings=strings, mode="floret", data=data, hash_count=2, minn=3, maxn=4)


def keys(*words: str) -> numpy.ndarray:
    return numpy.array([StringStore().add(word) for word in words], dtype="uint64")


def test_nlp_vector_rows_equal_the_tables_with_repeated_keys():
    table = floret_table()
    cache = CachedVectorRows(table)
    for batch in (keys("the", "rash", "the", "zorvantinib"), keys("rash", "nausea", "the"), keys("the")):
        assert numpy.array_equal(cache.get_batch(batch), table.get_batch(batch))
    assert cache.attr == table.attr


def test_nlp_vector_rows_start_again_past_their_capacity():
    table = floret_table()
    cache = CachedVectorRows(table, capacity=3)
    batches = [keys("the", "rash"), keys("grade", "nausea"), keys(*WORDS), keys("rash", "of", "in", "the")]
    for batch in batches:  # the third batch alone holds more keys than the cache
        assert numpy.array_equal(cache.get_batch(batch), table.get_batch(batch))
