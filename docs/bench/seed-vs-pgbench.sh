#!/usr/bin/env bash
# `lma seed --scale large` beside `pgbench -i -s 220` (issue 5), in pairs on one server,
# alternating which goes first. Usage:
#   docs/bench/seed-vs-pgbench.sh postgres://postgres@127.0.0.1:PORT [pairs] [anchor-date]
# Creates (and replaces) the databases lma_seed_bench and pgbench_bench on that server.
# Sizes are pg_total_relation_size (heap, TOAST and indexes) after the load; MB is 10^6 bytes.
# The seed's seconds are its whole wall clock as its report gives it; pgbench's are its own
# "done in" total.
set -euo pipefail
server=$1
pairs=${2:-2}
anchor=${3:-$(date -u +%F)}
here=$(cd "$(dirname "$0")" && pwd)
lma=${LMA:-$here/../../target/release/lma}
bin=${PGBIN:-/usr/lib/postgresql/15/bin}
step() { printf '%s %s\n' "$(date -u +%T)" "$*" >&2; }
fresh() { psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"; }

seed() {
    fresh lma_seed_bench
    "$lma" --database-url "$server/lma_seed_bench" migrate -q >/dev/null
    "$lma" --database-url "$server/lma_seed_bench" seed --scale large --anchor "$anchor" -q --format json |
        python3 -c 'import json, sys; t = json.load(sys.stdin)["total"]; print(t["seconds"], t["bytes"])'
}

pgbench() {
    fresh pgbench_bench
    local seconds
    seconds=$("$bin/pgbench" -i -s 220 -q "$server/pgbench_bench" 2>&1 | sed -n 's/^done in \([0-9.]*\) s.*/\1/p')
    echo "$seconds" "$(psql -Atq "$server/pgbench_bench" -c "SELECT sum(pg_total_relation_size(oid))
        FROM pg_class WHERE relname LIKE 'pgbench_%' AND relkind = 'r'")"
}

echo "| pair | first | seed s | seed MB/s | pgbench s | pgbench MB/s | ratio |"
echo "|---:|---|---:|---:|---:|---:|---:|"
for pair in $(seq "$pairs"); do
    step "pair $pair of $pairs (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
    if ((pair % 2)); then
        first=seed; s=$(seed); p=$(pgbench)
    else
        first=pgbench; p=$(pgbench); s=$(seed)
    fi
    python3 - "$pair" "$first" $s $p <<'PY'
import sys
pair, first, ss, sb, ps, pb = sys.argv[1:]
seed, bench = int(sb) / 1e6 / float(ss), int(pb) / 1e6 / float(ps)
print(f"| {pair} | {first} | {float(ss):.1f} | {seed:.1f} | {float(ps):.1f} | {bench:.1f} | {seed / bench:.2f} |")
PY
done
step "done (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
