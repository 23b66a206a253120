#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the tests and print the URL to use.
#
#   eval "$(bash scripts/ci_postgres.sh)"      # sets MSCGRAPH_TEST_POSTGRES_URL
#   bash scripts/ci_postgres.sh --stop         # stop it again
#
# Uses Debian's `postgresql` package (installed with apt-get when missing; `apt-get update`
# runs only then). The server runs as the `postgres` user (when started as root) from
# $MSCGRAPH_PG_DIR (default /tmp/mscgraph-ci-pg), listens on 127.0.0.1 only, on port
# $MSCGRAPH_PG_PORT (default 54329; a random free port if that one is taken by something
# else), with trust authentication on loopback. Idempotent: a server it started before is
# reused, so a second call takes well under a second. Only the `export ...` line goes to
# stdout; progress goes to stderr.
set -euo pipefail

PGDIR="${MSCGRAPH_PG_DIR:-/tmp/mscgraph-ci-pg}"
PORT="${MSCGRAPH_PG_PORT:-54329}"
DB="${MSCGRAPH_PG_DB:-mscgraph_test}"
log() { echo "ci_postgres: $*" >&2; }

SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; fi

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
    log "installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq >&2
    $SUDO apt-get install -y -qq --no-install-recommends postgresql >&2
fi
BIN="$(pg_bin)"
[ -x "$BIN/initdb" ] || { log "no initdb under /usr/lib/postgresql/*/bin"; exit 1; }

# run PostgreSQL tools as the postgres user when we are root (initdb refuses root)
as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = "--stop" ]; then
    if [ -f "$PGDIR/data/postmaster.pid" ]; then
        as_pg "$BIN/pg_ctl" -D "$PGDIR/data" -m fast -w stop >&2
    fi
    exit 0
fi

mkdir -p "$PGDIR"
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGDIR"; fi

ready() { "$BIN/pg_isready" -q -h 127.0.0.1 -p "$1" -U postgres; }

running_port=""
pidfile="$PGDIR/data/postmaster.pid"
alive() {  # a live process (a killed one may linger as a zombie: state Z)
    [ -r "/proc/$1/stat" ] && ! awk '{ sub(/^.*\) /, ""); exit ($1 == "Z") ? 0 : 1 }' \
        "/proc/$1/stat"
}
if [ -f "$pidfile" ] && alive "$(head -n 1 "$pidfile")"; then
    running_port="$(sed -n 4p "$pidfile")"   # our server is alive: reuse it
    for _ in $(seq 60); do ready "$running_port" && break; sleep 0.5; done
    ready "$running_port" || { log "server in $PGDIR is not answering"; exit 1; }
fi

if [ -z "$running_port" ]; then
    if [ ! -f "$PGDIR/data/PG_VERSION" ]; then
        log "initdb in $PGDIR/data"
        as_pg "$BIN/initdb" -D "$PGDIR/data" -U postgres --auth=trust -E UTF8 --no-locale \
            >"$PGDIR/initdb.log" 2>&1 || { cat "$PGDIR/initdb.log" >&2; exit 1; }
    fi
    # the default port when it is free, else a random free one
    if python3 - "$PORT" <<'EOF'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
EOF
    then :; else
        PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    fi
    # left by a killed server (its process is gone, checked above)
    rm -f "$pidfile" "$PGDIR"/.s.PGSQL.*.lock
    log "starting PostgreSQL on 127.0.0.1:$PORT"
    as_pg "$BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
        -o "-p $PORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off" start >&2 \
        || { tail -n 20 "$PGDIR/server.log" >&2; exit 1; }
    running_port="$PORT"
fi

PSQL=("$BIN/psql" -h 127.0.0.1 -p "$running_port" -U postgres -v ON_ERROR_STOP=1 -qtA)
if [ "$("${PSQL[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
    "${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB" >&2
fi
log "ready: database $DB on 127.0.0.1:$running_port"
echo "export MSCGRAPH_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:$running_port/$DB"
