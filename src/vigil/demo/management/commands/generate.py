from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from vigil.core import clock
from vigil.core.command import VigilCommand
from vigil.demo.services import generate


def progress_bar(stream):
    from rich.console import Console
    return Progress(TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=Console(file=stream), transient=False)


class Command(VigilCommand):
    help = "Write realistic synthetic data (fictional people only). The same seed and as-of date give the same data."

    def add_arguments(self, parser):
        parser.add_argument("--scale", default="small", help="small, london or national")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument("--as-of", help="the date the data runs up to, YYYY-MM-DD (default: today)")

    def handle(self, *args, **opts):
        as_of = clock.parse_as_of(opts["as_of"]) if opts["as_of"] else clock.today()
        with progress_bar(self.stderr._out) as progress:
            generate(scale=opts["scale"], seed=opts["seed"], as_of=as_of, progress=progress)
        self.stdout.write(f"generated scale {opts['scale']} (seed {opts['seed']}) as of {as_of}")
