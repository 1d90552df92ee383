"""Answering in the browser: a canned response found, filled in and sent within the live
length limit; the personal-data guard offering a private message; a trainee's reply
waiting for a supervisor who approves it on the review page; an internal note."""

import re

from playwright.sync_api import Browser, Page, expect

from tests.functional.browser.conftest import (
    AGENT_PASSWORD,
    ANA,
    BEN,
    ON_PROBATION,
    SUPERVISOR,
    TIMEOUT_MS,
    TRAINEE,
    VIEWPORT,
    WORKSPACE,
    Site,
    screenshot,
    script_ready,
    sign_in,
)

INBOX = f"/w/{WORKSPACE}/inbox"


def _take_one(page: Page, site: Site, email: str) -> None:
    """Sign in, be available and take the next conversation."""
    sign_in(page, site, email, AGENT_PASSWORD, INBOX)
    presence = page.get_by_label("My presence")
    if presence.input_value() != "available":
        presence.select_option("available")
        expect(page.locator("#notice")).to_have_text("You are available.")
    page.get_by_role("button", name="Take the next conversation (n)").click()
    page.wait_for_url(re.compile(r"/conversations/\d+$"))
    script_ready(page)


def test_a_canned_response_is_found_filled_in_and_sent(page: Page, site: Site) -> None:
    _take_one(page, site, ANA)
    page.keyboard.press("r")
    expect(page.get_by_label("Reply", exact=True)).to_be_focused()
    page.get_by_label("Search canned responses").fill("connection")
    page.get_by_role(
        "button", name="Use canned response: Delay - apology and connection check"
    ).click()
    reply = page.get_by_label("Reply", exact=True)
    expect(reply).not_to_have_value("")
    assert (
        "{" not in reply.input_value() or "Fill in by hand" in page.locator("#notice").inner_text()
    )
    expect(page.locator("#reply-counter")).to_have_text(re.compile(r"^\d+ / 280 .* left$"))
    screenshot(page, site, "composer")
    text = reply.input_value()
    page.get_by_role("button", name="Send the reply").click()
    expect(page.locator("#notice")).to_have_text("Sent as a public reply.")
    expect(page.locator(".timeline li.outbound").last).to_contain_text(text[:40])
    expect(page.locator("#replies")).to_contain_text("sent")


def test_the_counter_refuses_past_the_network_limit(page: Page, site: Site) -> None:
    _take_one(page, site, BEN)
    page.get_by_label("Reply", exact=True).fill("We are so sorry about this. " * 12)
    expect(page.locator("#reply-counter")).to_have_text(re.compile(r"too many$"))
    expect(page.locator("#reply-counter")).to_have_class(re.compile("over"))
    page.get_by_role("button", name="Send the reply").click()
    expect(page.locator("#reply-problems")).to_contain_text("280")
    expect(page.locator("#replies")).not_to_contain_text("sent")


def test_the_personal_data_guard_offers_a_private_message(page: Page, site: Site) -> None:
    _take_one(page, site, ANA)
    page.get_by_label("Reply", exact=True).fill(
        "We found booking ABC123 for jane.doe@example.com, card 4111 1111 1111 1111."
    )
    page.get_by_role("button", name="Send the reply").click()
    guard = page.locator("#reply-guard")
    expect(guard).to_be_visible()
    expect(guard).to_contain_text("personal data")
    screenshot(page, site, "personal-data-guard")
    page.get_by_role("button", name="Send it as a private message instead").click()
    expect(page.locator("#notice")).to_have_text("Sent as a private message.")
    expect(page.get_by_role("radio", name="Private message")).to_be_checked()


def test_a_trainees_reply_waits_until_a_supervisor_approves_it(
    page: Page, site: Site, browser: Browser
) -> None:
    _take_one(page, site, TRAINEE)
    conversation_url = page.url
    page.get_by_label("Reply", exact=True).fill("So sorry for the wait, we are on it right now.")
    page.get_by_role("button", name="Send the reply").click()
    expect(page.locator("#notice")).to_contain_text("Waiting for a supervisor's approval")
    expect(page.locator("#replies")).to_contain_text("awaiting approval")

    supervisor = browser.new_context(viewport=VIEWPORT)
    supervisor.set_default_timeout(TIMEOUT_MS)
    review = supervisor.new_page()
    try:
        sign_in(review, site, *SUPERVISOR, f"/w/{WORKSPACE}/review")
        waiting = review.locator("article.approval").filter(
            has_text="So sorry for the wait, we are on it right now."
        )
        expect(waiting).to_have_count(1)
        screenshot(review, site, "review-queue")
        waiting.get_by_label("Comment for the agent").fill("Good, warm tone")
        waiting.get_by_role("button", name=re.compile("^Approve reply")).click()
        expect(review.locator("#notice")).to_have_text("Approved and sent.")
        expect(
            review.locator("article.approval").filter(
                has_text="So sorry for the wait, we are on it right now."
            )
        ).to_have_count(0)
    finally:
        supervisor.close()

    page.goto(conversation_url)
    expect(page.locator("#replies")).to_contain_text("sent")
    expect(page.locator(".timeline li.outbound").last).to_contain_text("So sorry for the wait")


def test_an_internal_note_mentions_an_agent_picked_by_type_ahead_who_is_told_at_once(
    page: Page, site: Site, browser: Browser
) -> None:
    mentioned = browser.new_context(viewport=VIEWPORT)
    mentioned.set_default_timeout(TIMEOUT_MS)
    ana = mentioned.new_page()
    try:
        sign_in(ana, site, ANA, AGENT_PASSWORD, INBOX)
        expect(ana.locator("body")).to_have_attribute("data-live", "connected")
        _take_one(page, site, BEN)
        note = page.get_by_label(re.compile("^Internal note"))
        note.press_sequentially("@an")
        options = page.get_by_role("listbox", name="Agents to mention")
        expect(options.get_by_role("option", name="@ana.ruiz")).to_be_visible()
        note.press("Enter")
        expect(options).to_be_hidden()
        note.press_sequentially("could you check the refund?")
        expect(note).to_have_value("@ana.ruiz could you check the refund?")
        page.get_by_role("button", name="Add the internal note").click()
        expect(page.locator("#notice")).to_have_text("Note added.")
        expect(page.locator(".timeline li.note").last).to_contain_text(
            "@ana.ruiz could you check the refund?"
        )
        expect(ana.locator("#notice")).to_contain_text("mentioned you")
        expect(ana.locator("#mentions")).to_contain_text("could you check the refund?")
    finally:
        mentioned.close()


def test_a_reply_on_probation_goes_out_and_waits_for_a_scorecard(
    page: Page, site: Site, browser: Browser
) -> None:
    _take_one(page, site, ON_PROBATION)
    words = "Thanks for your patience, your rebooking is confirmed."
    page.get_by_label("Reply", exact=True).fill(words)
    page.get_by_role("button", name="Send the reply").click()
    expect(page.locator("#notice")).to_have_text("Sent as a public reply.")

    supervisor = browser.new_context(viewport=VIEWPORT)
    supervisor.set_default_timeout(TIMEOUT_MS)
    review = supervisor.new_page()
    try:
        sign_in(review, site, *SUPERVISOR, f"/w/{WORKSPACE}/review")
        waiting = review.locator("article.review").filter(has_text=words)
        expect(waiting).to_have_count(1)
        scores = waiting.locator("select[name^='scores.']")
        assert scores.count() >= 2
        for number in range(scores.count()):
            scores.nth(number).select_option("4")
        waiting.get_by_label("Comment").fill("Clear and kind")
        waiting.get_by_role("button", name=re.compile("^Save the scorecard")).click()
        expect(review.locator("#notice")).to_have_text("Scorecard saved.")
        expect(review.locator("article.review").filter(has_text=words)).to_have_count(0)
    finally:
        supervisor.close()
