"""Detecting events in news text: job changes, awards and company news, in Dutch and English.

``classify`` reads a headline, sentence or short passage and says what happened (a
person's job change, an award, news about a company) and, when the text says so, who
it is about, where they go, where they come from and in which role; ``events_in`` gives
every event of a text (one per sentence that reports one; a line break separates texts
read apart, such as a feed item's title and summary), best first. The rules are
data, one TOML file per language in ``sources/rules`` (the format is described at the
top of ``en.toml``): trigger phrases per label and event, job titles, negatives and
extraction cues. They are compiled once, on first use, and applied; nothing else is
read and no other state is kept.

How one text is read, and the module of each stage::

    triggers ──► negatives ──► requirements ──► best match ──► extraction
    (regexes     (look-alikes   (a title, a      (score, then   (person, title,
    per event)   drop them)     person nearby)   label order)   employers)
    rules         reading       classify          classify      people, employers

``regex`` holds the pattern helpers the rule compiler uses, ``language`` tells Dutch
from English, ``event`` the ``Event`` every reading ends in; ``learned`` is the optional
learned model (``KEEPWARM_EVENT_MODEL=on``) that may add an event the rules miss, and
``decisions`` shows what it sees, for training and ``keepwarm explain --text``. Imports
run one way: event, regex, calibration → rules, learned → language, reading → people →
employers → classify → decisions.
"""

from sources.events.classify import classify, events_in
from sources.events.event import LANGUAGES, NONE, Event
from sources.events.language import detect_language

__all__ = ["LANGUAGES", "NONE", "Event", "classify", "detect_language", "events_in"]
