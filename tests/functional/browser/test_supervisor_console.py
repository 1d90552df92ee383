"""A supervisor in the browser: the whole workspace's inbox updating live as posts arrive,
the wallboard with its queues, agents and risks, breaches appearing as they fire, and a
reassignment from there."""

import re

from playwright.sync_api import Page, expect

from carelane.deadlines.alarms import fire_due_alarms
from carelane.store.database import create_database_engine, create_session_factory
from carelane.web.dependencies import utc_now
from tests.functional.browser.conftest import SUPERVISOR, WORKSPACE, Site, screenshot, sign_in

INBOX = f"/w/{WORKSPACE}/inbox"
WALLBOARD = f"/w/{WORKSPACE}/wallboard"


def _mark_page(page: Page) -> None:
    """Leave a mark in the page's script state: a reload would wipe it."""
    page.evaluate("window.stillTheSamePage = true")


def _same_page(page: Page) -> bool:
    return bool(page.evaluate("window.stillTheSamePage === true"))


def test_a_new_post_appears_in_the_open_inbox_without_a_reload(page: Page, site: Site) -> None:
    sign_in(page, site, *SUPERVISOR, INBOX)
    expect(page.locator("body")).to_have_attribute("data-live", "connected")
    _mark_page(page)
    handle = f"live_{site.backend}_customer"
    result = site.post_tweet(
        f"live-{site.backend}-1", handle, "@united my bag never arrived at the carousel, help!"
    )
    row = page.locator(f"tr[data-conversation-id='{result['conversation_id']}']")
    expect(row).to_be_visible()
    expect(row).to_contain_text(f"@{handle}")
    expect(row.locator(".countdown")).to_have_text(re.compile(r"left$"))
    assert _same_page(page)
    screenshot(page, site, "inbox-supervisor-live")


def test_the_wallboard_shows_queues_agents_and_risks_and_reassigns(page: Page, site: Site) -> None:
    sign_in(page, site, *SUPERVISOR, WALLBOARD)
    expect(page.get_by_role("heading", name="Queue by lane")).to_be_visible()
    expect(page.get_by_role("heading", name="Queue by channel")).to_be_visible()
    agents = page.locator("section[aria-labelledby=agents-title] tbody tr")
    expect(agents.filter(has_text="Ana Ruiz")).to_have_count(1)
    risky = page.locator("section[aria-labelledby=risk-title] tbody tr[data-row]")
    expect(risky.first).to_be_visible()
    screenshot(page, site, "wallboard")

    first = risky.first
    conversation = first.get_attribute("data-conversation-id")
    choice = first.get_by_label(f"Agent for conversation {conversation}")
    chloe = choice.locator("option", has_text="Chlo").get_attribute("value")
    choice.select_option(str(chloe))
    first.get_by_role("button", name=f"Reassign conversation {conversation}").click()
    expect(page.locator("#notice")).to_have_text(re.compile("^(Assigned|Reassigned)\\.$"))
    held = page.locator(
        f"section[aria-labelledby=risk-title] tr[data-conversation-id='{conversation}']"
    )
    expect(held).to_contain_text("Chlo")


def test_a_breach_appears_on_the_open_wallboard_as_it_fires(page: Page, site: Site) -> None:
    sign_in(page, site, *SUPERVISOR, WALLBOARD)
    expect(page.locator("body")).to_have_attribute("data-live", "connected")
    _mark_page(page)
    before = page.locator("#breaches li").all_inner_texts()
    engine = create_database_engine(site.settings.database_url)
    try:
        with create_session_factory(engine)() as session:
            fired = fire_due_alarms(session=session, now=utc_now())
    finally:
        engine.dispose()
    breaches = [alarm for alarm in fired if alarm.alarm.value == "breach"]
    assert breaches, "the seeded tweets are past their 30-minute response target"
    expect(page.locator("#breaches li").first).not_to_have_text(before[0] if before else "")
    expect(page.locator("#breaches")).to_contain_text("breached")
    assert _same_page(page)
