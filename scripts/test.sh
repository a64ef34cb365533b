#!/usr/bin/env bash
# The whole test suite, on SQLite and then on PostgreSQL. Both must pass; an unreachable PostgreSQL fails the
# run loudly (it never passes silently). Extra arguments go to pytest (e.g. scripts/test.sh -k visits).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_URL="${VIGIL_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

run() {  # run NAME DATABASE_URL [pytest args]
  local name="$1" url="$2"; shift 2
  echo "=== tests on $name ==="
  DATABASE_URL="$url" VIGIL_VAR_DIR="$tmp/var-$name" $PY -m pytest -p no:cacheprovider "$@"
  local rc=$?
  if [ $rc -eq 5 ]; then echo "!!! pytest collected no tests on $name: that is a failure, not a pass"; return 1; fi
  return $rc
}

run sqlite "sqlite:///$tmp/vigil-test.sqlite3" "$@"; sqlite_rc=$?

if ! $PY - "$PG_URL" <<'PYEOF'
import sys, psycopg
from urllib.parse import urlparse
u = urlparse(sys.argv[1])
try:
    psycopg.connect(host=u.hostname, port=u.port or 5432, user=u.username or None, dbname=u.path.lstrip("/"),
                    connect_timeout=5).close()
except Exception as exc:
    print(f"!!! PostgreSQL is NOT reachable at {sys.argv[1]}: {exc}".strip())
    sys.exit(1)
PYEOF
then
  echo "!!! The suite must run on PostgreSQL too. FAILING. (Set VIGIL_TEST_POSTGRES_URL if it is elsewhere.)"
  exit 1
fi
run postgresql "$PG_URL" "$@"; pg_rc=$?

echo "=== summary: sqlite exit $sqlite_rc, postgresql exit $pg_rc ==="
[ $sqlite_rc -eq 0 ] && [ $pg_rc -eq 0 ]
