"""The trained Rasa model reads everyday text it never saw as not a report (issue 12 item 4)."""

from __future__ import annotations

import httpx
import pytest

from hotline.services import RasaServer

# Invented for this test, none of them in the training data: a review, politics, fandom, school, work, money.
UNSEEN_EVERYDAY = [
    "baksonya enak tapi kuahnya keasinan, parkirnya juga sempit",
    "calon bupati janji bangun jembatan tiap kampanye, sampai sekarang belum ada",
    "album baru band favoritku rilis jumat, udah pre order dari kemarin",
    "guru matematika anakku ngasih pr sepuluh halaman buat besok",
    "gajian masih seminggu lagi tapi saldo tinggal dua puluh ribu",
    "kucing tetangga tiap pagi nongkrong di atas motor aku",
]
# Reports that must keep their report intent beside the contrast.
REPORTS = [
    ("suami saya mukul saya tadi malam pakai sapu", "report_physical"),
    ("anak saya dilecehkan guru lesnya", "report_sexual"),
]


@pytest.mark.parametrize("text", UNSEEN_EVERYDAY)
def test_unseen_everyday_text_is_not_a_report_intent(rasa_server: RasaServer, text: str) -> None:
    parse = httpx.post(f"{rasa_server.url}/model/parse", json={"text": text}, timeout=30).json()
    assert not parse["intent"]["name"].startswith("report_"), parse["intent"]


@pytest.mark.parametrize(("text", "intent"), REPORTS)
def test_reports_keep_their_intent(rasa_server: RasaServer, text: str, intent: str) -> None:
    parse = httpx.post(f"{rasa_server.url}/model/parse", json={"text": text}, timeout=30).json()
    assert parse["intent"]["name"] == intent
