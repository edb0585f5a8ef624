#!/usr/bin/env bash
# Which checks fail without an index, on data already seeded: for each INDEX, the catalog runs
# (`--no-latency`) with it, then without it (DROP INDEX, check, then the index rebuilt from its
# pg_get_indexdef), and the checks that failed only without it are printed with their worst
# sample's buffers before and after. Usage:
#   docs/bench/drop-index.sh postgres://…/DBNAME INDEX...
# The database is changed while it runs (each index is dropped and rebuilt): use a copy.
set -euo pipefail
db=$1
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
lma=${LMA:-$root/target/release/lma}
out=$(mktemp -d)
"$lma" --database-url "$db" check --no-latency --format json >"$out/with.json" || true
echo "| index | table (pages) | checks failing without it: buffers with → without, reason |"
echo "|---|---|---|"
for index in "$@"; do
  def=$(psql -qAt "$db" -c "SELECT pg_get_indexdef('$index'::regclass)")
  table=$(psql -qAt "$db" -c "SELECT c.relname || ' (' || c.relpages || ')' FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid WHERE x.indexrelid = '$index'::regclass")
  comment=$(psql -qAt "$db" -c "SELECT obj_description('$index'::regclass, 'pg_class')")
  psql -q "$db" -c "DROP INDEX $index"
  "$lma" --database-url "$db" check --no-latency --format json >"$out/without.json" || true
  psql -q "$db" -c "$def"
  # psql interpolates :'c' (quoted as a literal) only in input it reads, not in -c.
  [ -z "$comment" ] || psql -q "$db" -v c="$comment" <<<"COMMENT ON INDEX $index IS :'c'"
  python3 - "$out/with.json" "$out/without.json" "$index" "$table" <<'PY'
import json, sys
with_, without, index, table = sys.argv[1:]
before = {c["name"]: c for c in json.load(open(with_))["checks"]}
failing = [c for c in json.load(open(without))["checks"] if not c["passed"] and before[c["name"]]["passed"]]
cells = "; ".join(f'`{c["name"]}`: {before[c["name"]]["buffers"]:,} → {c["buffers"]:,}, {" / ".join(c["reasons"])}'
                  for c in failing) or "none"
print(f"| `{index}` | {table} | {cells} |")
PY
done
