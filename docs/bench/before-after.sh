#!/usr/bin/env bash
# Design doc 000's before/after table at 1M leads: the check catalog on the baseline
# schema (V10, the checks-v10 overrides laid over sql/checks) and then on the
# full schema, on the same data, with a pgbench anchor in the same run. Usage:
#   docs/bench/before-after.sh postgres://postgres@127.0.0.1:PORT [anchor-date] [iterations]
# Creates (and replaces) the databases lma_before_after and pgbench_anchor on
# that server. Writes before.json, migrate.json, after.json and seed.json to
# $OUT (default: a new temporary directory) and prints the table.
set -euo pipefail
server=$1
anchor=${2:-$(date -u +%F)}
iterations=${3:-20}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lma=${LMA:-$root/target/release/lma}
bin=${PGBIN:-/usr/lib/postgresql/15/bin}
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
db=$server/lma_before_after
step() { printf '%s %s\n' "$(date -u +%T)" "$*" >&2; }

step "anchor: pgbench -i -s 10, then -S -c 1 -T 10"
psql -q "$server/postgres" -c 'DROP DATABASE IF EXISTS pgbench_anchor' -c 'CREATE DATABASE pgbench_anchor'
"$bin/pgbench" -i -s 10 -q "$server/pgbench_anchor" 2>/dev/null
"$bin/pgbench" -S -c 1 -T 10 "$server/pgbench_anchor" 2>/dev/null | grep -E '^(latency average|tps)' >&2

step "baseline: migrate --target 10, seed large (anchor $anchor)"
psql -q "$server/postgres" -c 'DROP DATABASE IF EXISTS lma_before_after' -c 'CREATE DATABASE lma_before_after'
"$lma" --database-url "$db" migrate --target 10 -q >/dev/null
"$lma" --database-url "$db" seed --scale large --anchor "$anchor" --allow-pending -q --format json >"$out/seed.json"

step "checks on V10"
catalog=$(mktemp -d)
cp "$root"/sql/checks/*.sql "$catalog" && cp "$here"/checks-v10/*.sql "$catalog"
"$lma" --database-url "$db" check --checks "$catalog" --iterations "$iterations" --format json >"$out/before.json" || true

step "migrate V11 to the latest, then VACUUM (ANALYZE) for the new summaries and indexes"
"$lma" --database-url "$db" migrate --format json >"$out/migrate.json"
psql -q "$db" -c 'VACUUM (ANALYZE)'

step "checks on the full schema"
"$lma" --database-url "$db" check --iterations "$iterations" --format json >"$out/after.json" || true

step "results in $out"
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
load = lambda name: json.load(open(f"{out}/{name}.json"))
before = {c["name"]: c for c in load("before")["checks"]}
after = load("after")
migrate = load("migrate")
print("| check | before p50 | before p95 | before buffers | after p50 | after p95 | after buffers | after |")
print("|---|---:|---:|---:|---:|---:|---:|---|")
for c in after["checks"]:
    b = before.get(c["name"])
    old = [f'{b["p50_ms"]:.2f}', f'{b["p95_ms"]:.2f}', f'{b["buffers"]:,}'] if b else ["", "", ""]
    verdict = "pass" if c["passed"] else "fail: " + "; ".join(c["reasons"])
    print(f'| `{c["name"]}` | ' + " | ".join(old) +
          f' | {c["p50_ms"]:.2f} | {c["p95_ms"]:.2f} | {c["buffers"]:,} | {verdict} |')
passed = lambda checks: sum(1 for c in checks if c["passed"])
print(f'\nbefore: {passed(before.values())} of {len(before)} pass; '
      f'after: {passed(after["checks"])} of {len(after["checks"])}; '
      f'uncovered after: {[i["index"] for i in after["coverage"]["uncovered"]]}')
print("\nmigrations at 1M leads (ms):",
      ", ".join(f'V{m["version"]} {m["milliseconds"]}' for m in migrate.get("applied", [])))
PY
