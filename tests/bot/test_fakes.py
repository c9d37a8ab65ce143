"""The fakes behave like the real APIs in the ways the adapters depend on."""

from __future__ import annotations

import httpx
from twilio.request_validator import RequestValidator

from tests.factories import twilio_text_form
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.fakes.twilio_api import TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, FakeTwilioAPI, sign_twilio_request


async def test_telegram_fake_shapes_and_errors(telegram_api: FakeTelegramAPI) -> None:
    api = f"{telegram_api.api_base_url}{telegram_api.token}"
    async with httpx.AsyncClient() as client:
        me = (await client.post(f"{api}/getMe")).json()
        first = (await client.post(f"{api}/sendMessage", json={"chat_id": 900001, "text": "a"})).json()
        second = (await client.post(f"{api}/sendMessage", data={"chat_id": "900001", "text": "b"})).json()
        unknown = await client.post(f"{api}/sendPoll")
        wrong_token = await client.post(f"{telegram_api.api_base_url}1:BAD/getMe")
        await client.post(f"{api}/setWebhook", data={"url": "https://hotline.example.org/webhooks/telegram"})
        conflict = await client.post(f"{api}/getUpdates")
    assert me["ok"] and me["result"]["is_bot"]
    assert first["result"]["chat"] == {"id": 900001, "first_name": "Uji", "type": "private"}
    assert second["result"]["message_id"] == first["result"]["message_id"] + 1
    assert (unknown.status_code, wrong_token.status_code, conflict.status_code) == (404, 401, 409)
    assert conflict.json()["ok"] is False
    assert [c.method for c in telegram_api.calls] == ["getMe", "sendMessage", "sendMessage", "setWebhook", "getUpdates"]
    assert telegram_api.calls[2].params == {"chat_id": 900001, "text": "b"}


async def test_telegram_fake_get_updates_offset_and_long_poll(telegram_api: FakeTelegramAPI) -> None:
    api = f"{telegram_api.api_base_url}{telegram_api.token}"
    a = telegram_api.push_update({"message": {"message_id": 1}})
    b = telegram_api.push_update({"message": {"message_id": 2}})
    async with httpx.AsyncClient() as client:
        both = (await client.post(f"{api}/getUpdates", data={"timeout": "0"})).json()["result"]
        rest = (await client.post(f"{api}/getUpdates", data={"offset": str(a + 1), "timeout": "0"})).json()
        empty = (await client.post(f"{api}/getUpdates", data={"offset": str(b + 1), "timeout": "1"})).json()
    assert [u["update_id"] for u in both] == [a, b]
    assert [u["update_id"] for u in rest["result"]] == [b]
    assert empty["result"] == []
    assert telegram_api.pending_updates == []


async def test_twilio_fake_auth_validation_and_resource(twilio_api: FakeTwilioAPI) -> None:
    url = f"{twilio_api.base_url}/2010-04-01/Accounts/{TEST_ACCOUNT_SID}/Messages.json"
    form = {"To": "whatsapp:+6281200000001", "From": "whatsapp:+6281200000900", "Body": "halo"}
    async with httpx.AsyncClient() as client:
        no_auth = await client.post(url, data=form)
        bad_auth = await client.post(url, data=form, auth=(TEST_ACCOUNT_SID, "nope"))
        no_body = await client.post(
            url, data={"To": form["To"], "From": form["From"]}, auth=(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN)
        )
        ok = await client.post(url, data=form, auth=(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN))
    assert (no_auth.status_code, bad_auth.status_code, no_body.status_code, ok.status_code) == (401, 401, 400, 201)
    assert no_body.json()["code"] == 21619
    resource = ok.json()
    assert resource["sid"].startswith("SM") and len(resource["sid"]) == 34
    int(resource["sid"][2:], 16)
    assert (resource["to"], resource["from"], resource["body"], resource["status"]) == (
        form["To"],
        form["From"],
        "halo",
        "queued",
    )
    assert twilio_api.sent() == [form]
    assert twilio_api.unauthorized == 2


def test_sign_helper_matches_twilio_validator() -> None:
    form = twilio_text_form("halo")
    url = "https://hotline.example.org/webhooks/whatsapp"
    signature = sign_twilio_request(TEST_AUTH_TOKEN, url, form)
    assert RequestValidator(TEST_AUTH_TOKEN).validate(url, form, signature)
    assert not RequestValidator("other").validate(url, form, signature)
