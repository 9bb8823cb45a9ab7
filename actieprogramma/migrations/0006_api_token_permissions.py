"""API tokens (beveiliging.ApiToken) in the roles: everyone with a role makes,
sees and revokes their own (the rule of one's own is in the token pages); the
coordinator also revokes anyone's (DESIGN.md, "API token")."""

from django.db import migrations

from ._grants import grant_operation

OWN = ["view_apitoken", "add_apitoken", "change_apitoken"]
GRANTS = {
    "beleidsmedewerker": OWN,
    "griffie": OWN,
    "coordinator": [*OWN, "revoke_any_apitoken"],
}


class Migration(migrations.Migration):
    dependencies = [
        ("actieprogramma", "0005_opmerking_permissions"),
        ("beveiliging", "0003_api_tokens"),
    ]

    operations = [grant_operation(GRANTS, app_label="beveiliging")]
