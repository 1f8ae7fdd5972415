"""The new title of a job change: the body or the function a title is of belongs to it.

Families of title error found on the tuning half of the real development data
(tests/data/signals-real-en.jsonl); sentences quoted as published, each with its page.
"""

from __future__ import annotations

import pytest

from sources.events import classify


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # (en-0003, https://avtournet.blogspot.com/2019/12/boeing-announces-new-major-appointments.html)
        (
            "Boeing also named Niel Golightly as the company's senior vice president of "
            "Communications, effective Jan. 1, 2020.",
            "senior vice president of Communications",
        ),
        # (en-0084, https://www.newmilfordspectrum.com/news/article/Governor-names-two-new-administration-appointments-15754486.php)
        (
            "Noem said that in December she will move her senior policy advisor Tiffany "
            "Sanderson to the Department of Education, where she will replace Ben Jones as "
            "Secretary of Education.",
            "Secretary of Education",
        ),
    ],
)
def test_the_function_a_title_is_of_belongs_to_it(text: str, title: str) -> None:
    assert classify(text, "en").new_title == title


def test_an_organisation_after_of_is_not_the_title() -> None:
    # written for this test
    found = classify("Jane Doe has been named president of Globex Inc.", "en")
    assert (found.new_title, found.new_employer) == ("president", "Globex Inc.")
