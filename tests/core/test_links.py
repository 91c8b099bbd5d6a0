"""Which links may be stored: absolute http(s) URLs with a host, or nothing."""

from __future__ import annotations

import pytest

from odyssey.core import ids
from odyssey.core.links import (
    InvalidLink,
    check_attribute_links,
    check_link,
    check_profile_links,
    link_problem,
)

GOOD = [
    "",
    "https://example.org",
    "http://example.org/a/b?c=d#e",
    "HTTPS://EXAMPLE.ORG/",
    "https://user@example.org:8443/x",
    "https://xn--bcher-kva.example/",
    "https://example.org/a b",  # a space inside the path is only sloppy
]
BAD = [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    " javascript:alert(1)",
    "\x01javascript:alert(1)",
    "javascript://example.org/%0Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://example.org/",
    "mailto:someone@example.org",
    "example.org",
    "/odyssey/somewhere",
    "//example.org/",
    "https://",
    "http:///path",
    "https://exa mple.org/",
    "https://example.org:99999/",
    "https://[::1/",
    "https://example.org ",
    "https://example.org\x00",
]


@pytest.mark.parametrize("link", GOOD)
def test_http_links_may_be_stored(link: str) -> None:
    assert link_problem(link) is None
    check_link(link, field="profileLink")


@pytest.mark.parametrize("link", BAD)
def test_other_links_are_refused_with_a_reason(link: str) -> None:
    assert link_problem(link) is not None
    with pytest.raises(InvalidLink) as raised:
        check_link(link, field="profileLink")
    assert raised.value.reason == "invalid_link"
    assert raised.value.message.startswith("profileLink ")


def test_non_strings_are_refused_and_none_is_no_link() -> None:
    check_link(None, field="website_link")
    for value in (1, ["https://example.org"], {"url": "https://example.org"}, True):
        with pytest.raises(InvalidLink):
            check_link(value, field="website_link")


def test_attribute_values_that_hold_links() -> None:
    website = (ids.CORE_PLUGIN_ID, "website_link")
    video = (ids.VIDEO_PLUGIN_ID, "state")
    check_attribute_links(website, {"website_link": "https://example.org"})
    check_attribute_links(video, {"youtube_url": "https://youtu.be/abc", "url": ""})
    with pytest.raises(InvalidLink, match=r"website_link\.website_link"):
        check_attribute_links(website, {"website_link": "javascript:alert(1)"})
    with pytest.raises(InvalidLink, match=r"state\.youtube_url"):
        check_attribute_links(video, {"youtube_url": "javascript:alert(1)"})
    with pytest.raises(InvalidLink, match=r"state\.url"):
        check_attribute_links(video, {"url": "data:text/html,x"})
    # Other attributes are not links, whatever they hold.
    check_attribute_links((ids.CORE_PLUGIN_ID, "description"), {"description": "javascript:"})
    check_attribute_links((ids.TEXT_PLUGIN_ID, "state"), {"url": "javascript:alert(1)"})


def test_profile_changes() -> None:
    check_profile_links({"bio": "javascript:alert(1)", "profile_link": "https://example.org"})
    with pytest.raises(InvalidLink):
        check_profile_links({"profile_link": "javascript:alert(1)"})
