# Shared by scripts/test and scripts/bench: a throw-away PostgreSQL server on a loopback port, in a
# temporary data directory that stop_pg deletes again. Source this file, then:
#   start_pg <port> [server options...]   # sets pg_url (empty if PostgreSQL is not available)
#   stop_pg                               # safe to call more than once, e.g. from an EXIT trap
# The caller defines log().

pg_bin=""
pg_dir=""
pg_url=""

find_pg_bin() {
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ]
}

run_as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_pg() {
  local port=$1; shift
  pg_url=""
  find_pg_bin || { log "PostgreSQL is not installed"; return 0; }
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    log "no postgres system user"; return 0
  fi
  pg_dir=$(mktemp -d /tmp/passkeyflow-pg.XXXXXX)
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$pg_dir"; fi
  run_as_pg "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres >"$pg_dir/initdb.log" 2>&1
  local options="-p $port -k $pg_dir -c listen_addresses=127.0.0.1 $*"
  run_as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -o "$options" -l "$pg_dir/server.log" -w start >/dev/null
  pg_url="jdbc:postgresql://127.0.0.1:$port/postgres?user=postgres"
  log "PostgreSQL running on 127.0.0.1:$port"
}

stop_pg() {
  if [ -n "$pg_dir" ] && [ -f "$pg_dir/data/postmaster.pid" ]; then
    run_as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -w stop -m fast >/dev/null 2>&1 || true
  fi
  if [ -n "$pg_dir" ]; then rm -rf "$pg_dir"; fi
  pg_dir=""
}
