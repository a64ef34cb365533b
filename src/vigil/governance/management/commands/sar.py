from pathlib import Path

from vigil.core import clock
from vigil.core.command import VigilCommand
from vigil.core.errors import InputError
from vigil.governance import subject_access
from vigil.interchange.services import printable_name


class Command(VigilCommand):
    help = ("The subject-access pack for a person (DPA 2018 s.45): their own data, the purposes, the recipients, "
            "the retention period and how to complain to the Information Commissioner, with data about other "
            "people withheld and each restriction recorded with its reason. Answers the person's open request "
            "(or logs one received today) and is logged as a disclosure to the data subject. Exit 2 for an "
            "unknown or erased person.")

    def add_arguments(self, parser):
        parser.add_argument("person", metavar="PERSON", help="the person's id")
        parser.add_argument("--out", required=True, metavar="FILE", help="where to write the pack (JSON)")

    def handle(self, *args, **opts):
        person = subject_access.find_person(opts["person"])
        out = Path(opts["out"])
        try:
            existed = out.exists()
            fh = open(opts["out"], "wb")  # noqa: SIM115 - closed below
        except (OSError, ValueError) as exc:
            why = getattr(exc, "strerror", None) or "not a usable file name"
            raise InputError(f"--out {printable_name(opts['out'])}: cannot be written ({why})") from None
        with fh:
            try:
                content, body = subject_access.answer(actor="system:sar", person=person, as_of=clock.today())
            except BaseException:
                fh.close()
                if not existed and out.is_file():
                    out.unlink()  # no half-made pack left behind (only a file this command created)
                raise
            fh.write(body)
        held = sum(len(v) for v in content["records"].values())
        self.stderr.write(f"subject-access pack for person {person.ref} written to {opts['out']}: {held} record(s), "
                          f"{len(content['recipients'])} recipient(s); withheld: "
                          + ("; ".join(f"{w['count']} {w['what']}" for w in content["withheld"]) or "nothing"))
