"""The officer's and the griffie's journeys, for locust (scripts/cluster.py).

Each simulated person signs in through the login form, then works as their
role does: the officer reads the dashboard, the actions list (plain and
filtered), an action, and now and then writes a progress update through its
form; the griffie reads the register, a mandate, what is coming, the history
and the programme as of a date. Only 127.0.0.1, only while locust runs.
"""

import datetime
import os
import random

from locust import HttpUser, between, task
from page_forms import csrf_token, form_fields, ids

PASSWORD = os.environ.get("CLUSTER_PASSWORD", "")
OFFICERS = int(os.environ.get("CLUSTER_OFFICERS", "5"))
GRIFFIERS = int(os.environ.get("CLUSTER_GRIFFIERS", "3"))


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self):
        # The cluster's own certificate (scripts/cluster.py), on loopback.
        self.client.verify = os.environ.get("REQUESTS_CA_BUNDLE", True)
        page = self.client.get("/accounts/login/", name="login form").text
        response = self.client.post(
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": csrf_token(page),
                "username": self.username,
                "password": PASSWORD,
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"login of {self.username}: {response.status_code}")


class Officer(Person):
    weight = 3

    def on_start(self):
        self.username = f"cluster-beleid-{random.randint(1, OFFICERS)}"  # noqa: S311
        super().on_start()
        self.acties = ids(self.client.get("/acties/", name="/acties/").text, "acties")

    @task(3)
    def dashboard(self):
        self.client.get("/", name="dashboard")

    @task(4)
    def actions(self):
        self.client.get("/acties/", name="/acties/")

    @task(2)
    def actions_filtered(self):
        self.client.get("/acties/?status=lopend&q=actie", name="/acties/?filters")

    @task(4)
    def action(self):
        pk = random.choice(self.acties)  # noqa: S311
        self.client.get(f"/acties/{pk}/", name="/acties/[id]/")

    @task(1)
    def progress_update(self):
        pk = random.choice(self.acties)  # noqa: S311
        url = f"/acties/{pk}/voortgang/nieuw/"
        page = self.client.get(url, name="/acties/[id]/voortgang/nieuw/").text
        fields = form_fields(page, url)
        fields["datum"] = datetime.date.today().isoformat()
        fields["tekst"] = "Overleg met de ketenpartners gevoerd (belastingtest)."
        with self.client.post(
            url,
            fields,
            headers={"Referer": f"{self.host}{url}"},
            name="/acties/[id]/voortgang/nieuw/ (opslaan)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"progress update answered {response.status_code}")


class Griffie(Person):
    weight = 2

    def on_start(self):
        self.username = f"cluster-griffie-{random.randint(1, GRIFFIERS)}"  # noqa: S311
        super().on_start()
        register = self.client.get("/raadsopdrachten/", name="/raadsopdrachten/").text
        self.opdrachten = ids(register, "raadsopdrachten")

    @task(4)
    def register(self):
        self.client.get("/raadsopdrachten/", name="/raadsopdrachten/")

    @task(3)
    def mandate(self):
        pk = random.choice(self.opdrachten)  # noqa: S311
        self.client.get(f"/raadsopdrachten/{pk}/", name="/raadsopdrachten/[id]/")

    @task(2)
    def coming(self):
        self.client.get("/wat-komt-eraan/", name="/wat-komt-eraan/")

    @task(2)
    def history(self):
        self.client.get("/historie/", name="/historie/")

    @task(1)
    def as_of(self):
        self.client.get("/peildatum/?datum=2026-06-30", name="/peildatum/")
