#!/usr/bin/env bash
# The write cost of the summary triggers (V21, V23, V25): the same pgbench scripts with the
# triggers on and off, on one seeded database. Usage:
#   docs/bench/summary-write-cost.sh postgres://postgres@127.0.0.1:PORT/DB [seconds]
# Writes to DB (leads, communications) and ends with refresh_summaries(), since
# the runs with the triggers off leave the summaries behind.
set -euo pipefail
url=$1
seconds=${2:-15}
here=$(dirname "$0")
pgbench=${PGBENCH:-/usr/lib/postgresql/15/bin/pgbench}
run() { # script clients -> "tps latency_ms"
    "$pgbench" -n -f "$here/$1" -c "$2" -j "$2" -T "$seconds" "$url" 2>/dev/null |
        awk '/^latency average/ {lat=$4} /^tps/ {tps=$3} END {printf "%s %s", tps, lat}'
}
trap 'psql -q "$url" -v state=ENABLE -f "$here/triggers.sql"' EXIT
printf '%-24s %8s %14s %14s\n' script clients "on: tps / ms" "off: tps / ms"
for script in insert_lead.sql update_lead.sql insert_communication.sql; do
    for clients in 1 4; do
        psql -q "$url" -v state=ENABLE -f "$here/triggers.sql"
        on=$(run "$script" "$clients")
        psql -q "$url" -v state=DISABLE -f "$here/triggers.sql"
        off=$(run "$script" "$clients")
        printf '%-24s %8s %14s %14s\n' "$script" "$clients" "${on/ / \/ }" "${off/ / \/ }"
    done
done
psql -q "$url" -v state=ENABLE -f "$here/triggers.sql"
psql -qAt "$url" -c 'SELECT count(*) || '"' summaries rebuilt'"' FROM refresh_summaries()'
