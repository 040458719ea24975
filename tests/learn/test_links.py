"""Only transcript share links on https://learn.microsoft.com are read."""

from __future__ import annotations

import pytest

from certportal.learn.errors import LinkInvalid
from certportal.learn.links import share_id_from_link, transcript_api_url

GOOD = "https://learn.microsoft.com/en-us/users/jane-doe/transcript/dlmxbcnw2mzn7kp"


@pytest.mark.parametrize(
    "link",
    [
        GOOD,
        "https://learn.microsoft.com/ja-jp/users/jane-doe/transcript/dlmxbcnw2mzn7kp",
        "https://learn.microsoft.com/users/jane-doe/transcript/dlmxbcnw2mzn7kp",
        "https://LEARN.microsoft.com/en-us/users/jane-doe/transcript/dlmxbcnw2mzn7kp/",
        "  https://learn.microsoft.com/en-us/users/jane-doe/transcript/dlmxbcnw2mzn7kp\n",
        "https://learn.microsoft.com/en-us/users/jane-doe/transcript/dlmxbcnw2mzn7kp?tab=certs",
        "https://learn.microsoft.com/en-us/users/jane-doe/transcript/dlmxbcnw2mzn7kp#top",
        "https://learn.microsoft.com:443/en-us/users/jane-doe/transcript/dlmxbcnw2mzn7kp",
        "https://learn.microsoft.com/zh-hant-tw/users/jane.doe_1/transcript/dlmxbcnw2mzn7kp",
    ],
)
def test_share_links_accepted(link: str) -> None:
    assert share_id_from_link(link) == "dlmxbcnw2mzn7kp"


@pytest.mark.parametrize(
    "link",
    [
        pytest.param("", id="empty"),
        pytest.param("dlmxbcnw2mzn7kp", id="bare-id"),
        pytest.param(GOOD.replace("https:", "http:"), id="http"),
        pytest.param(GOOD.replace("https://", "ftp://"), id="ftp"),
        pytest.param(GOOD.replace("https://", "//"), id="scheme-relative"),
        pytest.param(
            GOOD.replace("learn.microsoft.com", "learn.microsoft.com.evil.com"), id="suffix-host"
        ),
        pytest.param(GOOD.replace("learn.microsoft.com", "learn-microsoft.com"), id="look-alike"),
        pytest.param(
            GOOD.replace("learn.microsoft.com", "evil.com/learn.microsoft.com"), id="host-in-path"
        ),
        pytest.param(
            GOOD.replace("learn.microsoft.com", "learn.microsoft.com."), id="trailing-dot"
        ),
        pytest.param(
            GOOD.replace("learn.microsoft.com", "learn.microsoft.com@evil.com"),
            id="userinfo-to-evil",
        ),
        pytest.param(GOOD.replace("https://", "https://user:pw@"), id="userinfo"),
        pytest.param(GOOD.replace("https://", "https://@"), id="empty-userinfo"),
        pytest.param(
            GOOD.replace("learn.microsoft.com", "evil.com\\@learn.microsoft.com"),
            id="backslash-userinfo",
        ),
        pytest.param(
            GOOD.replace("learn.microsoft.com", "learn.microsoft.com:8443"), id="other-port"
        ),
        pytest.param(GOOD.replace("learn.microsoft.com", "learn.microsoft.com:abc"), id="bad-port"),
        pytest.param(GOOD.replace("learn.microsoft.com", "13.107.246.40"), id="ipv4"),
        pytest.param(GOOD.replace("learn.microsoft.com", "[2620:1ec:bdf::40]"), id="ipv6"),
        pytest.param(GOOD.replace("learn.microsoft.com", "2130706433"), id="decimal-ip"),
        pytest.param(GOOD.replace("learn.microsoft.com", "0x7f000001"), id="hex-ip"),
        pytest.param(GOOD.replace("learn.microsoft.com", "127.0.0.1"), id="loopback"),
        pytest.param(GOOD.replace("/transcript/", "/transcript%2F"), id="encoded-slash"),
        pytest.param(GOOD.replace("/users/", "/%75sers/"), id="encoded-letter"),
        pytest.param(GOOD.replace("/users/jane-doe/", "/users/../../jane-doe/"), id="dot-segments"),
        pytest.param(GOOD.replace("jane-doe", "jane doe"), id="space"),
        pytest.param(GOOD + "\x00", id="nul"),
        pytest.param(GOOD.replace("dlmxbcnw2mzn7kp", "abc"), id="short-id"),
        pytest.param(GOOD.replace("dlmxbcnw2mzn7kp", "dlmx<script>"), id="odd-id"),
        pytest.param(
            "https://learn.microsoft.com/en-us/users/jane-doe/achievements", id="not-transcript"
        ),
        pytest.param(
            "https://learn.microsoft.com/en-us/users/jane-doe/transcript/a1b2c3/extra",
            id="extra-segment",
        ),
        pytest.param(GOOD + "?" + "x" * 600, id="overlong"),
        pytest.param(
            "https://learn.microsoft.com\u3002evil.com/users/a/transcript/dlmxbcnw2mzn7kp",
            id="ideographic-dot",
        ),
    ],
)
def test_other_links_refused(link: str) -> None:
    with pytest.raises(LinkInvalid) as caught:
        share_id_from_link(link)
    assert caught.value.key == "learn.error.link"


def test_api_url_is_built_on_the_given_origin() -> None:
    assert (
        transcript_api_url("dlmxbcnw2mzn7kp", "https://learn.microsoft.com/")
        == "https://learn.microsoft.com/api/profiles/transcript/share/dlmxbcnw2mzn7kp?locale=en-us"
    )
    with pytest.raises(LinkInvalid):
        transcript_api_url("../../x", "https://learn.microsoft.com")
