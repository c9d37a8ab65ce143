"""``hotline staff add|list`` on a real SQLite database (invented names and numbers)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from core.settings import Settings
from handlers.privacy import mask
from hotline.cli import build_parser
from hotline.staff_cli import main, normalise_whatsapp
from storage import crud
from storage.db import make_engine, make_session_factory


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'h.db'}",  # type: ignore[call-arg]
                    var_dir=tmp_path)


def run(settings: Settings, *argv: str) -> tuple[int, str, str]:
    args = build_parser().parse_args(["staff", *argv])
    out, err = io.StringIO(), io.StringIO()
    code = main(args, settings, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def staff_rows(settings: Settings) -> list[tuple[str, str, str, str, str]]:
    engine = make_engine(settings.database_url)
    with make_session_factory(engine)() as s:
        rows = [(x.name, x.role, x.region, x.channel, x.contact_id) for x in crud.list_staff(s)]
    engine.dispose()
    return rows


def test_add_resolves_regions_as_people_write_them(settings: Settings) -> None:
    assert run(settings, "add", "--name", "Uji Satu", "--role", "counsellor", "--region", "Depok",
               "--telegram-id", "900777")[0] == 0
    assert run(settings, "add", "--name", "Uji Dua", "--role", "supervisor", "--region", "Kota Payakumbuh",
               "--whatsapp", "0812-0000-0077")[0] == 0
    assert run(settings, "add", "--name", "Uji Tiga", "--role", "admin", "--region", "Kukar",
               "--telegram-id", "900778")[0] == 0
    assert run(settings, "add", "--name", "Uji Empat", "--role", "counsellor", "--region", "nasional",
               "--telegram-id", "900779")[0] == 0
    assert run(settings, "add", "--name", "Uji Enam", "--role", "supervisor", "--region", "32",
               "--telegram-id", "900782")[0] == 0  # a code: the province of Jawa Barat
    code, out, _ = run(settings, "add", "--name", "Uji Tujuh", "--role", "counsellor", "--region", "depok",
                       "--telegram-id", "900783")  # the former key
    assert code == 0 and "32.76 Kota Depok" in out
    assert sorted(staff_rows(settings)) == sorted([
        ("Uji Satu", "counsellor", "32.76", "telegram", "900777"),
        ("Uji Dua", "supervisor", "13.76", "whatsapp", "+6281200000077"),
        ("Uji Tiga", "admin", "64.02", "telegram", "900778"),
        ("Uji Empat", "counsellor", "nasional", "telegram", "900779"),
        ("Uji Enam", "supervisor", "32", "telegram", "900782"),
        ("Uji Tujuh", "counsellor", "32.76", "telegram", "900783"),
    ])


def test_add_refuses_bad_input(settings: Settings) -> None:
    code, _, err = run(settings, "add", "--name", "Uji", "--role", "counsellor", "--region", "Pekalongan",
                       "--telegram-id", "900780")
    assert code == 2 and "ambiguous" in err  # city or regency?
    code, _, err = run(settings, "add", "--name", "Uji", "--role", "counsellor", "--region", "Atlantis",
                       "--telegram-id", "900780")
    assert code == 2 and "region" in err
    for bad in ("99.99", "Malaysia", ""):  # a code that does not exist, a place abroad, nothing
        code, _, err = run(settings, "add", "--name", "Uji", "--role", "counsellor", "--region", bad,
                           "--telegram-id", "900780")
        assert code == 2 and "region" in err
    code, _, err = run(settings, "add", "--name", "Uji", "--role", "counsellor", "--region", "Depok",
                       "--telegram-id", "@someone")
    assert code == 2 and "Telegram" in err
    code, _, err = run(settings, "add", "--name", "Uji", "--role", "counsellor", "--region", "Depok",
                       "--whatsapp", "12")
    assert code == 2 and "WhatsApp" in err
    assert staff_rows(settings) == []
    with pytest.raises(SystemExit):  # one contact, not both
        build_parser().parse_args(["staff", "add", "--name", "U", "--role", "counsellor", "--region", "Depok",
                                   "--telegram-id", "1", "--whatsapp", "+6281"])


def test_duplicate_contact(settings: Settings) -> None:
    argv = ("add", "--name", "Uji", "--role", "counsellor", "--region", "Depok", "--telegram-id", "900781")
    assert run(settings, *argv)[0] == 0
    code, _, err = run(settings, *argv)
    assert code == 1 and "already" in err


def test_list_masks_contacts(settings: Settings) -> None:
    assert run(settings, "list")[1].startswith("no staff")
    run(settings, "add", "--name", "Uji Lima", "--role", "counsellor", "--region", "Kab. Pekalongan",
        "--whatsapp", "+6281200000055")
    code, out, _ = run(settings, "list")
    assert code == 0
    assert "Uji Lima" in out and "33.26" in out and "whatsapp" in out
    assert "+6281200000055" not in out and "0055" in out


def test_helpers() -> None:
    assert normalise_whatsapp("081200000001") == "+6281200000001"
    assert normalise_whatsapp("6281200000001") == "+6281200000001"
    assert normalise_whatsapp("+62 812-0000-0001") == "+6281200000001"
    assert normalise_whatsapp("abc") is None
    assert mask("900777") == "900…0777"


def test_several_regions_repeated_or_comma_separated_the_first_primary(settings: Settings) -> None:
    code, out, err = run(settings, "add", "--name", "Uji Dua Wilayah", "--role", "counsellor",
                         "--region", "Kota Depok, Kota Payakumbuh", "--region", "32.76", "--region", "Jawa Barat",
                         "--telegram-id", "900790")
    assert code == 0, err
    assert "32.76 Kota Depok, 13.76 Kota Payakumbuh, 32 " in out  # in order, the repeated one once
    engine = make_engine(settings.database_url)
    with make_session_factory(engine)() as s:
        (staff,) = crud.list_staff(s)
        assert staff.region == "32.76" and staff.regions == ("32.76", "13.76", "32")
    engine.dispose()
    code, out, _ = run(settings, "list")
    assert "32.76,13.76,32" in out
    # One unknown or ambiguous name refuses the whole command; nothing is stored.
    code, _, err = run(settings, "add", "--name", "Uji Salah", "--role", "counsellor",
                       "--region", "Kota Depok,Pekalongan", "--telegram-id", "900791")
    assert code == 2 and "'Pekalongan'" in err
    assert len(staff_rows(settings)) == 1
