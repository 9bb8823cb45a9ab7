"""WCAG 2.1 AA in a real browser: axe-core on every main page and form, keyboard.

axe runs with the rules tagged for WCAG 2.0, 2.1 and 2.2 at levels A and AA,
and every page must have zero violations. The pages scanned and the number of
rules axe checked on each are written to ``var/axe-report.md``.
"""

import datetime
import json
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.urls import reverse

from acties import services as acties_services
from acties.models import Actie, Indicator, Raadsopdracht
from evaluatie import services as evaluatie_services
from pijlers.models import Programma
from taken.models import Taak, TaakStatus

from .conftest import activate

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
REPORT = Path(settings.VAR_DIR) / "axe-report.md"


def scan(page, label: str, results: list) -> None:
    response = (
        Axe()
        .run(
            page,
            options={
                "runOnly": {"type": "tag", "values": WCAG_TAGS},
                "resultTypes": ["violations", "passes", "incomplete", "inapplicable"],
            },
        )
        .response
    )
    rules = {
        rule["id"]
        for kind in ("violations", "passes", "incomplete", "inapplicable")
        for rule in response[kind]
    }
    applicable = {
        rule["id"]
        for kind in ("violations", "passes", "incomplete")
        for rule in response[kind]
    }
    violations = response["violations"]
    results.append((label, page.url, len(rules), len(applicable), violations))


def describe(violations) -> str:
    return json.dumps(
        [
            {
                "rule": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in violations
        ],
        indent=1,
        ensure_ascii=False,
    )


def write_report(results, role: str) -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        f"\n## As {role}\n",
        "| page | URL | axe rules run | applicable | violations |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for label, url, rules, applicable, violations in results:
        path = url.split("//", 1)[-1].split("/", 1)[-1]
        lines.append(
            f"| {label} | /{path} | {rules} | {applicable} | {len(violations)} |"
        )
    with REPORT.open("a") as handle:
        handle.write("\n".join(lines) + "\n")


def test_every_main_page_and_form_has_no_axe_violations(
    open_as, programme, browser, live_server
):
    programma = Programma.objects.get(slug="mensenhandel-2025-2028")
    evaluatie = evaluatie_services.tussenevaluatie_create(
        programma=programma,
        titel="Tussenevaluatie 2026",
        peildatum=datetime.date(2026, 11, 1),
        samenvatting="Op koers.",
        user=programme["coordinator"],
        reason="Voor de toegankelijkheidstest",
    )
    actie = Actie.objects.filter(indicatoren__isnull=False).first()
    indicator = Indicator.objects.filter(actie=actie).first()
    opdracht = Raadsopdracht.objects.get(nummer="III")
    vraag = acties_services.opmerking_place(
        record=actie, tekst="Wanneer start de pilot?", user=programme["coordinator"]
    )
    # A question on the evaluation, so its page shows a thread.
    acties_services.opmerking_place(
        record=evaluatie,
        tekst="Komt er een paragraaf over de financiën?",
        user=programme["coordinator"],
    )
    # A job running, one done, one failed (taken/taak_detail.html).
    jobs = {
        status: Taak.objects.create(
            soort="evaluatie_pdf",
            titel=f"PDF van {evaluatie.titel} ({status})",
            gebruiker=programme["coordinator"],
            status=status,
            voortgang=40 if status == TaakStatus.BEZIG else 100,
            stap="De PDF wordt opgemaakt",
            melding="De concept-PDF staat klaar."
            if status == TaakStatus.KLAAR
            else "De wachtrij is niet bereikbaar.",
        ).pk
        for status in (TaakStatus.BEZIG, TaakStatus.KLAAR, TaakStatus.MISLUKT)
    }
    results = []

    # The login page, anonymous, also with its error.
    login = browser.new_context(base_url=live_server.url, locale="nl-NL")
    anonymous = login.new_page()
    anonymous.goto("/accounts/login/")
    scan(anonymous, "Inloggen", results)
    anonymous.locator("#id_username").fill("niemand")
    anonymous.locator("#id_password").fill("fout")
    activate(anonymous.get_by_role("button", name="Inloggen"))
    scan(anonymous, "Inloggen, met foutmelding", results)
    login.close()

    page = open_as("coordinator")
    a, i, r, e = actie.pk, indicator.pk, opdracht.pk, evaluatie.pk

    def url(name, *args):
        return reverse(name, args=args)

    pages = [
        ("Dashboard", url("home")),
        ("Programma's", url("programma-list")),
        ("Programma-overzicht", programma.get_absolute_url()),
        ("Acties", url("acties:actie-list")),
        ("Acties, gefilterd", url("acties:actie-list") + "?status=lopend&q=Voor"),
        ("Actie", url("acties:actie-detail", a)),
        ("Actie bewerken", url("acties:actie-update", a)),
        ("Nieuwe actie", url("acties:actie-create")),
        ("Voortgangsupdate toevoegen", url("acties:voortgangsupdate-create", a)),
        ("Meting toevoegen", url("acties:meting-create", i)),
        ("Koppelen aan raadsopdracht", url("acties:actie-koppelen", a)),
        ("Document toevoegen aan een actie", url("acties:actie-document-create", a)),
        ("Open vragen", url("acties:open-vragen") + "?weergave=alle"),
        ("Vraag plaatsen", url("acties:actie-opmerking-create", a)),
        ("Vraag bij een evaluatie plaatsen", url("evaluatie:opmerking-create", e)),
        ("API-tokens", url("beveiliging:api-tokens")),
        ("API-documentatie", url("api:docs")),
        ("Reageren", url("acties:opmerking-reply", vraag.pk)),
        ("Opmerking bewerken", url("acties:opmerking-update", vraag.pk)),
        ("Opmerking intrekken", url("acties:opmerking-withdraw", vraag.pk)),
        ("Vraag beantwoord", url("acties:opmerking-beantwoord", vraag.pk)),
        (
            "Document toevoegen aan een raadsopdracht",
            url("acties:raadsopdracht-document-create", r),
        ),
        ("Raadsopdrachten", url("acties:raadsopdracht-list")),
        ("Raadsopdracht", url("acties:raadsopdracht-detail", r)),
        ("Afdoening bevestigen", url("acties:raadsopdracht-settle", r)),
        ("Afdoeningsvoorstel teruggeven", url("acties:raadsopdracht-return", r)),
        ("Wat komt eraan", url("acties:wat-komt-eraan")),
        (
            "Wat komt eraan, ongeldige datum",
            url("acties:wat-komt-eraan") + "?datum=morgen",
        ),
        ("Vergaderingen", url("acties:vergadering-list")),
        ("Zoeken", url("zoeken") + "?q=Grinwis"),
        ("Zoeken, niets gevonden", url("zoeken") + "?q=qqqq"),
        ("Nieuwe vergadering", url("acties:vergadering-create")),
        ("Organisaties", url("acties:organisatie-list")),
        ("Historie", url("historie")),
        ("Historie van een record", url("record-history", "indicator", i)),
        ("Peildatum", url("peildatum") + "?datum=2025-12-31"),
        ("Vergelijken", url("vergelijk") + "?van=2025-12-31&tot=2026-11-01"),
        ("Evaluaties", url("evaluatie:list")),
        ("Evaluatie", url("evaluatie:detail", e)),
        ("Evaluatie bewerken", url("evaluatie:update", e)),
        ("Evaluatie, voorbeeld van het rapport", url("evaluatie:preview", e)),
        ("Evaluatie definitief maken", url("evaluatie:finalise", e)),
        ("Meldingen", url("meldingen:voorkeuren")),
        ("Mijn taken", url("taken:list")),
        ("Taak, bezig", url("taken:detail", jobs[TaakStatus.BEZIG])),
        ("Taak, klaar", url("taken:detail", jobs[TaakStatus.KLAAR])),
        ("Taak, mislukt", url("taken:detail", jobs[TaakStatus.MISLUKT])),
        ("Pagina niet gevonden", "/acties/999999/"),
    ]
    for label, address in pages:
        page.goto(address)
        scan(page, label, results)

    # Main forms in their error state.
    for label, address, button in [
        ("Nieuwe actie, met fouten", url("acties:actie-create"), "Opslaan"),
        ("Actie bewerken, met fouten", url("acties:actie-update", a), "Opslaan"),
        (
            "Afdoening bevestigen, met fouten",
            url("acties:raadsopdracht-settle", r),
            "Afdoening bevestigen",
        ),
        ("Nieuwe evaluatie, met fouten", url("evaluatie:create"), "Opslaan"),
        (
            "Document toevoegen, met fouten",
            url("acties:actie-document-create", a),
            "Document toevoegen",
        ),
        ("Peildatum, ongeldige datum", url("peildatum") + "?datum=gisteren", None),
    ]:
        page.goto(address)
        if button:
            for field in ("#id_titel", "#id_code", "#id_afdoeningsdocument"):
                if page.locator(field).count():
                    page.locator(field).fill("")
            if "bewerken" in label:
                page.locator("#id_status").select_option("vertraagd")
            activate(page.get_by_role("button", name=button, exact=True))
            page.wait_for_selector(".form-errors")
        scan(page, label, results)

    # A new API token, shown once, and the page that revokes it.
    page.goto(url("beveiliging:api-tokens"))
    page.locator("#id_naam").fill("Dashboard")
    activate(page.get_by_role("button", name="Token aanmaken", exact=True))
    page.wait_for_selector(".token-secret")
    scan(page, "API-token aangemaakt", results)
    page.goto(url("beveiliging:api-tokens"))
    activate(page.get_by_role("link", name="Intrekken het token Dashboard"))
    scan(page, "API-token intrekken", results)

    # The griffie sees the read-only variant of the pages.
    griffie = open_as("griffie")
    griffie_results = []
    for label, address in [
        ("Dashboard", reverse("home")),
        ("Actie", actie.get_absolute_url()),
        ("Geen toegang", reverse("acties:actie-update", args=[actie.pk])),
        ("Register importeren", reverse("acties:import") + "?soort=raadsopdrachten"),
    ]:
        griffie.goto(address)
        scan(griffie, label, griffie_results)

    REPORT.unlink(missing_ok=True)
    write_report(results, "coordinator")
    write_report(griffie_results, "griffie")
    failures = {
        label: describe(violations)
        for label, _url, _rules, _applicable, violations in results + griffie_results
        if violations
    }
    assert failures == {}, "\n".join(f"{k}: {v}" for k, v in failures.items())
    assert len(results) + len(griffie_results) >= 30


def focus_is_visible(page) -> bool:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return false;
            const style = getComputedStyle(el);
            const outline = !['none', 'auto'].includes(style.outlineStyle)
                && parseFloat(style.outlineWidth) >= 2;
            const box = el.getBoundingClientRect();
            return outline && box.width > 1 && box.height > 1;
        }"""
    )


@pytest.mark.parametrize(
    "url",
    ["/", "/acties/", "/raadsopdrachten/", "/historie/", "/evaluaties/"],
)
def test_skip_link_and_visible_focus_with_the_keyboard(open_as, url):
    page = open_as("beleidsmedewerker")
    page.goto(url)
    page.keyboard.press("Tab")
    skip = page.evaluate("document.activeElement.textContent.trim()")
    assert skip == "Direct naar de inhoud"
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud"
    # Every stop of the next forty has a visible focus indicator.
    seen = 0
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break
        assert focus_is_visible(page), page.evaluate(
            "document.activeElement.outerHTML.slice(0, 200)"
        )
        seen += 1
    assert seen >= 1


def test_the_scan_does_find_violations(browser):
    """A check on the checker: a page with known faults fails it."""
    page = browser.new_page()
    page.set_content(
        '<html><body><img src="x.png"><input type="text">'
        '<p style="color:#ccc;background:#fff">licht grijs</p></body></html>'
    )
    results = []
    scan(page, "fout", results)
    found = {violation["id"] for violation in results[0][4]}
    assert {"image-alt", "label", "html-has-lang", "color-contrast"} <= found
    page.close()
