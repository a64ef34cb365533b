import json

from rich.console import Console

from vigil.core import access_log, clock
from vigil.core.command import VigilCommand
from vigil.core.errors import InputError
from vigil.investigations.models import Crime
from vigil.investigations.recommendation import recommend


class Command(VigilCommand):
    help = ("Rank the eligible officers for one crime, best first, each with its cost, reasons and impact; list the "
            "ineligible officers with the reason each is ineligible.")

    def add_arguments(self, parser):
        parser.add_argument("crime_id", help="the crime's id (its reference)")
        parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
        parser.add_argument("--as-of", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, **opts):
        as_of = clock.parse_as_of(opts["as_of"]) if opts["as_of"] else clock.today()
        crime = Crime.objects.select_related("team__borough").filter(ref=opts["crime_id"]).first()
        if crime is None:
            raise InputError(f"{opts['crime_id']!r} is not a known crime id")
        rec = recommend(crime, as_of=as_of)
        access_log.record(actor="system:recommend", operation="consultation", record_type="crime",
                          record_ids=crime.ref, justification="allocation recommendation (command line)",
                          detail=f"{len(rec.eligible)} eligible, {len(rec.ineligible)} ineligible as of {as_of}")
        if opts["json"]:
            self.stdout.write(json.dumps(rec.as_json(), indent=1))
            return
        console = Console(file=self.stdout, highlight=False, width=160)
        offence = crime.offence
        console.print(f"{crime.ref} {offence or crime.offence_code} — requires {rec.requirement} "
                      f"({'; '.join(rec.requirement.reasons)}) — as of {as_of}", markup=False)
        console.print(f"Eligible ({len(rec.eligible)}), best first:", markup=False)
        for c in rec.eligible:
            console.print(f"  {c.cost:7.2f}  {c.officer.ref} {c.officer.name}: {'; '.join(c.reasons)}", markup=False)
        console.print(f"Not eligible ({len(rec.ineligible)}):", markup=False)
        for c in rec.ineligible:
            console.print(f"  {c.officer.ref} {c.officer.name}: {'; '.join(c.reasons)}", markup=False)
