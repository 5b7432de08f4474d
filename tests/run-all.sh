#!/usr/bin/env bash
# Run the whole suite on SQLite, then on a throwaway PostgreSQL server started in a temporary folder, then the
# cluster test (nginx, two app servers, PostgreSQL, Redis, S3, a worker: it starts its own) on its own.
# With CI=true nothing may be skipped: a missing PostgreSQL, Chromium or nginx is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTEST=(python -m pytest -p no:cacheprovider -n "${TEST_WORKERS:-2}" --dist loadfile --ignore=tests/cluster)

echo "== Test suite on SQLite"
sqlite_rc=0
env -u TEST_DATABASE_URL "${PYTEST[@]}" tests "$@" || sqlite_rc=$?
outcome() { [ "$1" = 0 ] && echo passed || echo "FAILED (exit $1)"; }
cluster() {
  # Alone, after the others: it loads the machine with wrk and times nothing but its own requests.
  echo "== Cluster test"
  cluster_rc=0
  env -u TEST_DATABASE_URL python -m pytest -p no:cacheprovider tests/cluster "$@" || cluster_rc=$?
  if [ "$cluster_rc" = 5 ]; then cluster_rc=0; fi  # the arguments given selected none of it
  return 0
}
report() {
  # Each phase's result is printed, even when an earlier one failed; the run fails if any did.
  echo "== Results: SQLite $(outcome "$sqlite_rc"); PostgreSQL $1; cluster $(outcome "$cluster_rc")"
}

pg_bin=""
for candidate in /usr/lib/postgresql/*/bin; do
  [ -x "$candidate/initdb" ] && pg_bin="$candidate"
done
if [ -z "$pg_bin" ]; then
  cluster "$@"
  if [ "${CI:-}" = "true" ]; then report "not run: PostgreSQL is not installed (apt-get install postgresql)"; exit 1; fi
  report "not run: PostgreSQL is not installed (CI installs it)"
  [ "$sqlite_rc" = 0 ] && [ "$cluster_rc" = 0 ]
  exit
fi

pg_dir=$(mktemp -d /tmp/casefiles-pg.XXXXXX)
port=${PG_TEST_PORT:-54329}
as_pg=()
if [ "$(id -u)" = "0" ]; then chown postgres: "$pg_dir"; as_pg=(runuser -u postgres --); fi
cleanup() { "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$pg_dir"; }
trap cleanup EXIT
"${as_pg[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400" start >/dev/null

echo "== Test suite on PostgreSQL"
pg_rc=0
TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/casefiles_test" "${PYTEST[@]}" tests "$@" || pg_rc=$?
cleanup
trap - EXIT
cluster "$@"
report "$(outcome "$pg_rc")"
[ "$sqlite_rc" = 0 ] && [ "$pg_rc" = 0 ] && [ "$cluster_rc" = 0 ]
