"""A programme read through the API and written through the API into an
empty instance (another process, its own database) gives the same open-data
export there as here."""

import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from acties.opendata import export_programme
from pijlers.models import Programma
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db
SLUG = "mensenhandel-2025-2028"
MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Target:
    """An empty instance: migrated, one coordinator with a write token, served
    on loopback."""

    def __init__(self, tmp_path: Path):
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'leeg.sqlite3'}",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "DJANGO_USER_PASSWORD": "Een-lang-wachtwoord-voor-de-test-42",
            "CELERY_BROKER_URL": "",
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.manage("migrate", "--noinput", "-v0")
        self.manage("create_user", "coord", "--role", "coordinator")
        self.token = self.manage(
            "create_api_token", "coord", "--name", "overzetten", "--scope", "write"
        ).strip()
        self.port = free_port()
        self.server = subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, MANAGE, "runserver", f"127.0.0.1:{self.port}",
             "--noreload", "--nothreading"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.url("/health/"), timeout=2)  # noqa: S310
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)

    def manage(self, *args) -> str:
        return subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, MANAGE, *args],
            env=self.env, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def post(self, path: str, body: dict, *, etag: str | None = None) -> dict:
        request = urllib.request.Request(  # noqa: S310 - loopback
            self.url(f"/api/v1/{path}"),
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                **({"If-Match": etag} if etag else {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return {**json.load(response), "_etag": response.headers["ETag"]}
        except urllib.error.HTTPError as error:
            raise AssertionError(
                f"POST {path} {body}: {error.read().decode()}"
            ) from None

    def close(self):
        self.server.terminate()
        self.server.wait(timeout=20)


def read_all(api, path: str, **query) -> list[dict]:
    rows, url = [], f"/api/v1/{path}"
    params = {**query, "aantal": 500}
    while url:
        body = api.get(url, params).json()
        rows += body["results"]
        url, params = body["next"], {}
    return rows


def test_a_programme_copied_through_the_api_exports_the_same(coordinator, tmp_path):
    call_command("load_programme", stdout=io.StringIO())
    programma = Programma.objects.get(slug=SLUG)
    expected = export_programme(programma, intern=True)
    api = client_for(coordinator, "read")
    target = Target(tmp_path)
    try:
        copy(api, target, programma.pk)
        out = tmp_path / "export.json"
        target.manage(
            "export_programme", "--programme", SLUG, "--output", str(out), "--intern"
        )
        assert json.loads(out.read_text()) == json.loads(
            json.dumps(expected, default=str)
        )
    finally:
        target.close()


def copy(api, target: Target, programma_id: int) -> None:
    """Everything of the programme, read here, written there; ids mapped."""
    source = api.get(f"/api/v1/programmas/{programma_id}").json()
    fields = ["titel", "slug", "gemeente", "periode_start", "periode_eind",
              "voorgesteld_op", "vastgesteld_op", "ris_nummer", "kenmerk",
              "doelstelling", "omschrijving"]  # fmt: skip
    nieuw = target.post("programmas", {f: source[f] for f in fields})["id"]

    pijlers = {}
    for p in read_all(api, "pijlers", programma=programma_id):
        body = {
            "programma": nieuw,
            **{f: p[f] for f in ("volgorde", "naam", "omschrijving")},
        }
        pijlers[p["id"]] = target.post("pijlers", body)["id"]
    lijnen = {}
    for lijn in read_all(api, "actielijnen", programma=programma_id):
        body = {"programma": nieuw, "pijlers": [pijlers[p] for p in lijn["pijlers"]],
                **{f: lijn[f] for f in ("nummer", "naam", "omschrijving")}}  # fmt: skip
        lijnen[lijn["id"]] = target.post("actielijnen", body)["id"]

    acties = read_all(api, "acties", programma=programma_id)
    used = {a["trekker_id"] for a in acties} | {
        p for a in acties for p in a["partner_ids"]
    }
    organisaties = {}
    for o in read_all(api, "organisaties"):
        if o["id"] in used:
            body = {f: o[f] for f in ("naam", "afkorting", "soort")}
            organisaties[o["id"]] = target.post("organisaties", body)["id"]

    nieuwe_acties = {}
    for a in acties:
        body = {
            "actielijn_id": lijnen[a["actielijn_id"]],
            "trekker_id": organisaties.get(a["trekker_id"]),
            "partner_ids": [organisaties[p] for p in a["partner_ids"]],
            **{f: a[f] for f in ("code", "titel", "omschrijving", "status", "voortgang",
                                 "gepland_start", "gepland_eind", "uitbuiting",
                                 "doelgroep", "budget", "toelichten")},
        }  # fmt: skip
        nieuwe_acties[a["id"]] = target.post("acties", body)["id"]
        for u in read_all(api, "voortgangsupdates", actie=a["id"]):
            target.post("voortgangsupdates", {"actie": nieuwe_acties[a["id"]],
                        "datum": u["datum"], "tekst": u["tekst"]})  # fmt: skip
        for i in read_all(api, "indicatoren", actie=a["id"]):
            body = {"actie": nieuwe_acties[a["id"]], **{f: i[f] for f in (
                "naam", "eenheid", "nulwaarde", "nulwaarde_datum", "streefwaarde",
                "streefdatum")}}  # fmt: skip
            indicator = target.post("indicatoren", body)["id"]
            for m in i["metingen"]:
                fields = ("datum", "waarde", "toelichting", "toelichting_openbaar")
                body = {"indicator": indicator, **{f: m[f] for f in fields}}
                target.post("metingen", body)

    opdrachten = {}
    bron = read_all(api, "raadsopdrachten", programma=programma_id)
    # Those a commitment is part of first.
    for r in sorted(bron, key=lambda r: r["hoofdopdracht"] is not None):
        fields = (
            "soort", "nummer", "titel", "tekst", "indieners", "fractie",
            "datum_aangenomen", "vergadering", "ris_nummer", "bron",
            "programmaoverstijgend", "deadline", "deadline_toelichting",
        )  # fmt: skip
        body = {f: r[f] for f in fields}
        body["programma"] = nieuw if r["programma"] == programma_id else None
        body["hoofdopdracht"] = opdrachten.get(r["hoofdopdracht"])
        if r["status"] != "afgedaan":
            body["status"] = r["status"]
        made = target.post("raadsopdrachten", body)
        opdrachten[r["id"]] = made["id"]
        if r["status"] == "afgedaan":
            target.post(
                f"raadsopdrachten/{made['id']}/afdoening",
                {"afgedaan_op": r["afgedaan_op"],
                 "afdoeningsdocument": r["afdoeningsdocument"],
                 "afdoening_toelichting": r["afdoening_toelichting"]},
                etag=made["_etag"],
            )  # fmt: skip
    for k in read_all(api, "koppelingen"):
        if k["actie"] in nieuwe_acties and k["raadsopdracht"] in opdrachten:
            target.post("koppelingen", {
                "raadsopdracht": opdrachten[k["raadsopdracht"]],
                "actie": nieuwe_acties[k["actie"]],
                "toelichting": k["toelichting"],
                "toelichting_openbaar": k["toelichting_openbaar"],
            })  # fmt: skip
