"""Where Splink runs the model: DuckDB embedded (the default), or Spark for linkage across forces.

The model (``model.py``) is written once, in Splink's level library, and scored on either backend:

- ``duckdb``: in memory, in this process. One machine links a large force (docs/benchmarks/missing.md).
- ``spark``: Splink's Spark backend. By default a local Spark (``local[N]``, one task per core) in a Java process
  that this command starts and stops; ``VIGIL_SPARK_MASTER`` points it at a cluster instead
  (``spark://host:7077``, ``yarn``, ``k8s://…``), and ``VIGIL_SPARK_CONF`` adds Spark settings as
  ``key=value;key=value``. Needs the optional ``spark`` extra (pyspark) and a Java runtime (docs/linkage.md).

An engine that cannot start is an ``InputError`` with one line saying what to install; nothing is written.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator

from vigil.core.errors import InputError

ENGINES = ("duckdb", "spark")


@contextlib.contextmanager
def backend(engine: str) -> Iterator[object]:
    """A Splink database API for ``engine``, closed afterwards."""
    if engine == "duckdb":
        from splink import DuckDBAPI

        yield DuckDBAPI()
    elif engine == "spark":
        with _spark() as db_api:
            yield db_api
    else:
        raise InputError(f"--engine: {engine!r} is not one of {', '.join(ENGINES)}")


def _settings() -> dict[str, str]:
    conf = {}
    for item in filter(None, (p.strip() for p in os.environ.get("VIGIL_SPARK_CONF", "").split(";"))):
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"VIGIL_SPARK_CONF: {item!r} is not key=value")
        conf[key.strip()] = value.strip()
    return conf


@contextlib.contextmanager
def _spark() -> Iterator[object]:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise InputError("--engine spark needs pyspark: install Vigil with its spark extra "
                         "(pip install -e '.[spark]'), or use --engine duckdb") from None
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        raise InputError("--engine spark needs a Java runtime (Debian: apt-get install default-jre-headless), "
                         "or use --engine duckdb")
    from splink.backends.spark import SparkAPI, similarity_jar_location

    master = os.environ.get("VIGIL_SPARK_MASTER", "").strip() or f"local[{os.cpu_count() or 1}]"
    local = master.startswith("local")
    scratch = tempfile.mkdtemp(prefix="vigil-spark-")
    builder = (SparkSession.builder.master(master).appName("vigil link")
               .config("spark.jars", similarity_jar_location())   # Splink's Jaro-Winkler and Damerau-Levenshtein
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.local.dir", scratch))
    if local:  # a few partitions for one machine's cores, not Spark's 200; listening on this machine only
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = (builder.config("spark.sql.shuffle.partitions", str(2 * (os.cpu_count() or 1)))
                   .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1"))
    for key, value in _settings().items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # the JVM or the cluster refused: say so in one line
        shutil.rmtree(scratch, ignore_errors=True)
        raise InputError(f"--engine spark: Spark did not start ({str(exc).splitlines()[0][:200]})") from None
    spark.sparkContext.setLogLevel("ERROR")
    spark.sparkContext.setCheckpointDir(os.path.join(scratch, "checkpoints"))
    try:
        # Locally, intermediate tables stay in memory; on a cluster they are written out (Splink's default).
        yield SparkAPI(spark_session=spark, break_lineage_method="persist" if local else "parquet",
                       num_partitions_on_repartition=2 * (os.cpu_count() or 1) if local else None)
    finally:
        spark.stop()
        shutil.rmtree(scratch, ignore_errors=True)
