#!/usr/bin/env bash
# `lma migrate` of the LMA schema on a fresh database beside psql applying the same files in
# one session, each transactional file between BEGIN and COMMIT and the `-- lma:no-transaction`
# ones in autocommit, with no history table: the fastest correct psql run. In pairs on one server,
# alternating which goes first (issue 13). Usage:
#   docs/bench/migrate-vs-psql.sh postgres://postgres@127.0.0.1:PORT [pairs]
# Creates (and replaces) the databases lma_migrate_bench and psql_migrate_bench on that server.
# Times are wall clock in ms of the whole command, connection set-up included.
set -euo pipefail
server=$1
pairs=${2:-5}
here=$(cd "$(dirname "$0")" && pwd)
lma=${LMA:-$here/../../target/release/lma}
files=$(ls "$here"/../../migrations/V*.sql | sort -t V -k2 -n | tr '\n' ' ')
fresh() { psql -Xq "$server/postgres" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"; }
ms() { local start; start=$(date +%s%N); "$@" >/dev/null || exit 1; echo $((($(date +%s%N) - start) / 1000000)); }
with_lma() { fresh lma_migrate_bench; ms "$lma" --database-url "$server/lma_migrate_bench" migrate -q; }
script=$(mktemp)
trap 'rm -f "$script"' EXIT
for f in $files; do
    if head -1 "$f" | grep -q '^-- lma:no-transaction'; then echo "\\i $f"; else printf 'BEGIN;\n\\i %s\nCOMMIT;\n' "$f"; fi
done >"$script"
with_psql() { fresh psql_migrate_bench; ms psql -Xq -v ON_ERROR_STOP=1 -d "$server/psql_migrate_bench" -f "$script"; }

echo "| pair | first | lma ms | psql ms | lma / psql |"
echo "|---:|---|---:|---:|---:|"
for pair in $(seq "$pairs"); do
    if ((pair % 2)); then first=lma; l=$(with_lma); p=$(with_psql); else first=psql; p=$(with_psql); l=$(with_lma); fi
    echo "| $pair | $first | $l | $p | $(python3 -c "print(f'{$l / $p:.2f}')") |"
done
