#!/usr/bin/env bash
# A fleet run beside the same work done one target at a time (issue 19): `lma migrate`, `lma
# drift` and `lma indexes` over N databases of one server, as one `--targets` run against N
# single-database runs in a row. The single runs are the anchor, measured in the same round;
# rounds alternate which goes first. Usage:
#   docs/bench/fleet.sh postgres://postgres@127.0.0.1:PORT [rounds] [targets]
# Creates (and replaces) the databases lma_fleet_1 … lma_fleet_N on that server.
# Times are wall clock in ms of the whole commands, connection set-up included.
set -euo pipefail
server=$1
rounds=${2:-3}
count=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
lma=${LMA:-$here/../../target/release/lma}
names=$(seq -f 'lma_fleet_%g' "$count")
targets=$(mktemp)
trap 'rm -f "$targets"' EXIT
for name in $names; do
    printf '[[target]]\nname = "%s"\nurl = "%s/%s"\n' "$name" "$server" "$name"
done >"$targets"
fresh() { for name in $names; do PGOPTIONS=--client-min-messages=warning psql -Xq "$server/postgres" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name"; done; }
ms() { local start; start=$(date +%s%N); "$@" >/dev/null 2>&1 || [ $? -eq 1 ] || exit 1; echo $((($(date +%s%N) - start) / 1000000)); }
one_by_one() { for name in $names; do "$lma" -q --database-url "$server/$name" "$@" >/dev/null 2>&1 || [ $? -eq 1 ] || return 1; done; }
fleet() { "$lma" -q "$1" --targets "$targets" "${@:2}"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

echo "| round | command | first | fleet ms | one by one ms | fleet / one by one |"
echo "|---:|---|---|---:|---:|---:|"
for round in $(seq "$rounds"); do
    # migrate: each side starts from empty databases.
    if ((round % 2)); then
        first=fleet; fresh; f=$(ms fleet migrate); fresh; o=$(ms one_by_one migrate)
    else
        first="one by one"; fresh; o=$(ms one_by_one migrate); fresh; f=$(ms fleet migrate)
    fi
    echo "| $round | migrate | $first | $f | $o | $(ratio "$f" "$o") |"
    for command in drift indexes; do
        if ((round % 2)); then f=$(ms fleet "$command"); o=$(ms one_by_one "$command")
        else o=$(ms one_by_one "$command"); f=$(ms fleet "$command"); fi
        echo "| $round | $command | $first | $f | $o | $(ratio "$f" "$o") |"
    done
done
