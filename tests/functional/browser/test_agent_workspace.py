"""An agent's day in the browser: sign in, the inbox, the next conversation, escalate,
resolve, hand off, correct the triage, by mouse and by keyboard."""

import re

from playwright.sync_api import Page, expect

from tests.functional.browser.conftest import (
    AGENT_PASSWORD,
    ANA,
    BEN,
    CHLOE,
    MARKETING,
    WORKSPACE,
    Site,
    screenshot,
    script_ready,
    sign_in,
)

INBOX = f"/w/{WORKSPACE}/inbox"


def _available(page: Page) -> None:
    presence = page.get_by_label("My presence")
    if presence.input_value() != "available":
        presence.select_option("available")
        expect(page.locator("#notice")).to_have_text("You are available.")


def _pull(page: Page) -> str:
    """Take the next conversation with the button; the conversation page's path."""
    page.get_by_role("button", name="Take the next conversation (n)").click()
    page.wait_for_url(re.compile(r"/conversations/\d+$"))
    script_ready(page)
    return page.url


def test_signing_in_leads_from_the_landing_page_to_the_inbox(page: Page, site: Site) -> None:
    page.goto(site.url("/"))
    expect(page).to_have_url(re.compile(r"/signin\?next="))
    page.get_by_label("Email").fill(ANA)
    page.get_by_label("Password").fill("a wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("The email or the password is wrong.")

    page.get_by_label("Password").fill(AGENT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=re.compile("Inbox")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Inbox")
    expect(page.locator("body")).to_have_attribute("data-live", "connected")
    screenshot(page, site, "inbox-agent")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/signin"))
    page.goto(site.url(INBOX))
    expect(page).to_have_url(re.compile(r"/signin\?next="))


def test_an_agent_pulls_the_next_conversation_and_sees_the_thread_and_cards(
    page: Page, site: Site
) -> None:
    sign_in(page, site, ANA, AGENT_PASSWORD, INBOX)
    _available(page)
    _pull(page)
    expect(page.locator("#conversation-assignee")).to_have_text("Ana Ruiz")
    expect(page.locator(".timeline li.inbound").first).to_be_visible()
    expect(page.locator("#author-card")).to_contain_text("Influence")
    expect(page.locator("#triage-card")).to_contain_text("Intent")
    expect(page.locator("#triage-card")).to_contain_text("Why priority")
    screenshot(page, site, "conversation")

    page.goto(site.url(INBOX))
    expect(page.locator("tr[data-row]").first).to_be_visible()


def test_escalating_moves_the_conversation_to_tier_two_with_the_note(
    page: Page, site: Site
) -> None:
    sign_in(page, site, BEN, AGENT_PASSWORD, INBOX)
    _available(page)
    _pull(page)
    page.get_by_role("button", name="Escalate or transfer").click()
    page.get_by_label("Tier (higher escalates)").select_option("2")
    page.get_by_label("Note for whoever picks it up").fill("Needs a product specialist")
    screenshot(page, site, "escalate")
    page.get_by_role("button", name="Transfer", exact=True).click()
    expect(page.locator("#notice")).to_have_text("Transferred.")
    expect(page.locator("#conversation-tier")).to_have_text("2")
    expect(page.locator("#conversation-assignee")).to_have_text("nobody (waiting)")
    expect(page.locator(".timeline li.note").last).to_contain_text("Needs a product specialist")


def test_resolving_by_keyboard_and_reopening(page: Page, site: Site) -> None:
    sign_in(page, site, CHLOE, AGENT_PASSWORD, INBOX)
    _available(page)
    _pull(page)
    page.locator("main").focus()
    page.keyboard.press("e")
    expect(page.locator("#conversation-status")).to_have_text("resolved")
    expect(page.get_by_role("button", name="Reopen")).to_be_visible()
    page.get_by_role("button", name="Reopen").click()
    expect(page.locator("#conversation-status")).to_have_text("open")


def test_hand_off_to_email_puts_the_summary_on_the_thread_and_a_reminder(
    page: Page, site: Site
) -> None:
    sign_in(page, site, ANA, AGENT_PASSWORD, INBOX)
    _available(page)
    _pull(page)
    page.get_by_role("button", name="Hand off to phone or email").click()
    page.get_by_label("Email address or phone number").fill("not an address")
    page.get_by_role("button", name="Hand off", exact=True).click()
    expect(page.locator("#handoff-dialog .form-error")).to_contain_text("destination")

    page.get_by_label("Email address or phone number").fill("customer@example.com")
    page.get_by_label("Note for whoever takes it").fill("Wants a call back about the refund")
    page.get_by_role("button", name="Hand off", exact=True).click()
    expect(page.locator("#handoff-reminder")).to_contain_text("close the loop on twitter")
    expect(page.locator(".timeline li.system").last).to_contain_text(
        "Taken offline to email: customer@example.com."
    )


def test_correcting_the_triage_in_place(page: Page, site: Site) -> None:
    sign_in(page, site, BEN, AGENT_PASSWORD, INBOX)
    _available(page)
    _pull(page)
    page.locator("#corrections summary").click()
    current = page.locator("#triage-sentiment").inner_text().split()[0]
    wanted = "positive" if current != "positive" else "neutral"
    page.get_by_label("Sentiment", exact=True).select_option(wanted)
    page.get_by_role("button", name="Save the sentiment").click()
    expect(page.locator("#triage-sentiment")).to_contain_text(wanted)
    expect(page.get_by_role("list", name="Corrections")).to_contain_text(
        f"sentiment: {current} → {wanted}"
    )


def test_keyboard_moves_through_the_inbox_and_opens_help(page: Page, site: Site) -> None:
    sign_in(page, site, ANA, AGENT_PASSWORD, INBOX)
    rows = page.locator("tr[data-row]")
    expect(rows.first).to_be_visible()
    page.keyboard.press("j")
    expect(rows.nth(0)).to_have_class(re.compile("selected"))
    if rows.count() > 1:
        page.keyboard.press("j")
        expect(rows.nth(1)).to_have_class(re.compile("selected"))
        page.keyboard.press("k")
        expect(rows.nth(0)).to_have_class(re.compile("selected"))
    opened = rows.nth(0).get_attribute("data-href")
    page.keyboard.press("Enter")
    expect(page).to_have_url(site.url(str(opened)))
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()
    screenshot(page, site, "shortcuts")
    page.keyboard.press("Escape")
    page.keyboard.press("i")
    expect(page).to_have_url(re.compile(r"/inbox$"))
    page.keyboard.press("n")
    expect(page).to_have_url(re.compile(r"/conversations/\d+$|/inbox$"))


def test_the_marketing_team_works_the_marketing_lane_only(page: Page, site: Site) -> None:
    support = site.post_tweet(
        f"marketing-page-{site.backend}-1", "pr_one", "@united lost my bag at the carousel again"
    )
    crisis = site.post_tweet(
        f"marketing-page-{site.backend}-2",
        "pr_two",
        "@united your website is down, I can't check in",
    )
    sign_in(page, site, MARKETING[0], MARKETING[1], INBOX)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Inbox")
    rows = page.locator("tr[data-row]")
    expect(rows.filter(has_text="your website is down")).to_have_count(1)
    expect(rows.filter(has_text="lost my bag at the carousel again")).to_have_count(0)
    lanes = page.get_by_label("Lane").locator("option").all_inner_texts()
    assert [lane for lane in lanes if lane != "any"] == ["Marketing/PR"]
    screenshot(page, site, "inbox-marketing")
    page.goto(site.url(f"/w/{WORKSPACE}/conversations/{crisis['conversation_id']}"))
    expect(page.get_by_text("your website is down")).to_be_visible()
    page.goto(site.url(f"/w/{WORKSPACE}/conversations/{support['conversation_id']}"))
    expect(page.get_by_text("lost my bag at the carousel again")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Not found")
