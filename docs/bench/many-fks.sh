#!/usr/bin/env bash
# `lma indexes` on a schema of many foreign keys: 200 tables with 10 indexed keys each to one
# parent (2,000 keys, 2,201 indexes), where every key's lookup is planned. Times each binary
# given, in turn, `rounds` times; the first binary is the anchor of the ratio. Usage:
#   docs/bench/many-fks.sh postgres://postgres@127.0.0.1:PORT rounds LMA [LMA ...]
# Creates (and replaces) the database lma_many_fks on that server.
set -euo pipefail
server=$1
rounds=$2
shift 2
PGOPTIONS=--client-min-messages=warning psql -Xq "$server/postgres" \
    -c "DROP DATABASE IF EXISTS lma_many_fks WITH (FORCE)" -c "CREATE DATABASE lma_many_fks"
python3 - <<'PY' | psql -Xq -v ON_ERROR_STOP=1 "$server/lma_many_fks"
print("CREATE TABLE parent (id int PRIMARY KEY);")
for t in range(200):
    columns = ", ".join(f"p{c} int REFERENCES parent" for c in range(10))
    print(f"CREATE TABLE child_{t} (id int PRIMARY KEY, {columns});")
    for c in range(10):
        print(f"CREATE INDEX ON child_{t} (p{c});")
PY
ms() { local start; start=$(date +%s%N); "$@" >/dev/null; echo $((($(date +%s%N) - start) / 1000000)); }
echo "| round | $(printf '%s ms | ' "$@")ratio to the first |"
echo "|---:|$(printf -- '---:|%.0s' "$@")---|"
for round in $(seq "$rounds"); do
    times=()
    for lma in "$@"; do times+=("$(ms "$lma" --database-url "$server/lma_many_fks" indexes --format json)"); done
    ratios=$(for t in "${times[@]:1}"; do python3 -c "print(f'{$t / ${times[0]}:.2f}', end=' ')"; done)
    echo "| $round | $(printf '%s | ' "${times[@]}")$ratios|"
done
