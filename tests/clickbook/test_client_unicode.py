"""Property: any valid Unicode name survives client -> sandbox -> GETUSERFIELDS unchanged."""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clickbook import ClickBookClient, ClientFile, Session
from bot.clickbook.models import check_name
from bot.sandbox.clickbook import SandboxConfig, SandboxTransport, create_app, sandbox_urls
from tests.clickbook.conftest import API_KEY, ORIGIN, STAFF_EMAIL, STAFF_PASSWORD

RIGHT_TO_LEFT = list("سلمىمحمدעבריתשרה")
DECOMPOSED = ["e\u0301", "A\u030a", "n\u0303", "c\u0327", "\u064a\u0651", "\u05e9\u05b8"]
"""Letter + combining mark sequences: a client that normalised text would change them."""
SEPARATORS = [" ", "'", "\u2019", "-", ". "]

atoms = st.one_of(
    st.characters(categories=["L", "M"]),
    st.sampled_from(RIGHT_TO_LEFT),
    st.sampled_from(DECOMPOSED),
    st.sampled_from(["É", "ø", "ß", "Ł", "İ", "ı", "李", "ひ", "丽"]),
    st.characters(categories=["Nd"]),
)
words = st.lists(atoms, min_size=1, max_size=8).map("".join)


@st.composite
def names(draw: st.DrawFn) -> str:
    """Draw a name that follows ClickBook's rules: words joined by spaces or punctuation."""
    parts = draw(st.lists(words, min_size=1, max_size=4))
    name = parts[0]
    for part in parts[1:]:
        name += draw(st.sampled_from(SEPARATORS)) + part
    try:
        return check_name(name)
    except ValueError:
        return draw(st.nothing())


def test_names_survive_the_round_trip_unchanged() -> None:
    app = create_app(SandboxConfig())
    urls = sandbox_urls(ORIGIN)
    with asyncio.Runner() as runner:
        client = ClickBookClient(
            api_url=urls.api_url,
            auth_url=urls.auth_url,
            logout_url=urls.logout_url,
            api_key=API_KEY,
            transport=SandboxTransport(app),
        )
        staff: Session = runner.run(client.login(STAFF_EMAIL, STAFF_PASSWORD))

        @settings(
            max_examples=60,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        @given(first=names(), last=names())
        def round_trip(first: str, last: str) -> None:
            client_file = ClientFile(first_name=first, last_name=last, phone="61298765432")

            async def create_and_read() -> dict[str, str]:
                client_file_id = await client.create_client_file(staff, client_file)
                return await client.get_client_file_fields(staff, client_file_id)

            fields = runner.run(create_and_read())
            assert fields["inp-firstname"] == first
            assert fields["inp-lastname"] == last

        try:
            round_trip()
        finally:
            runner.run(client.aclose())
    assert len(app.state.sandbox.client_files) >= 1
