"""The Vietnamese words a fix message offers for a condition or a mode are
words the households reader accepts, one for each code."""

from planner.domain import CONDITIONS, MODES
from planner.scenario.households import (
    CONDITION_ALIASES,
    CONDITION_WORDS,
    MODE_ALIASES,
    MODE_WORDS,
)
from planner.scenario.values import fold


def test_offered_words_are_read_as_every_code() -> None:
    """Each offered Vietnamese word folds to an alias, and together they name every code."""
    for words, aliases, codes in ((CONDITION_WORDS, CONDITION_ALIASES, CONDITIONS),
                                  (MODE_WORDS, MODE_ALIASES, MODES)):
        read = [aliases.get(fold(w.strip())) for w in words.split(",")]
        assert None not in read, (words, read)
        assert sorted(read) == sorted(codes)
