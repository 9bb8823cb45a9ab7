from celery import shared_task

from . import services


@shared_task(name="taken.voer_uit")
def voer_uit(taak_id: int) -> None:
    services.run(taak_id)


@shared_task(name="taken.opruimen")
def opruimen() -> int:
    return services.clean_up()
