from vigil.core.command import VigilCommand
from vigil.governance import erasure, subject_access


class Command(VigilCommand):
    help = ("Erase a person (DPA 2018 s.47) where no retention rule or live case requires the record: their own "
            "data and everything that only describes them goes, records of others keep a placeholder, and the "
            "access log records the erasure with metadata only. Refused (exit 2, one line saying why) for a "
            "managed subject, an open case or episode, a MoPI retention period not yet run, or an unknown or "
            "already erased person.")

    def add_arguments(self, parser):
        parser.add_argument("person", metavar="PERSON", help="the person's id")
        parser.add_argument("--reason", required=True, metavar="TEXT", help="why the person is erased (recorded)")

    def handle(self, *args, **opts):
        person = subject_access.find_person(opts["person"])
        req = erasure.erase_now(actor="system:erase", person=person, reason=opts["reason"])
        said = ", ".join(f"{n} {what}" for what, n in req.removed.items()) or "the person's own fields"
        self.stdout.write(f"person {req.person_ref} erased (erasure request #{req.pk}): removed {said}")
