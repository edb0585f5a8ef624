#!/usr/bin/env bash
# The check catalog at every data size: for each scale and seed, a fresh database is
# migrated, seeded and checked (`--no-latency`, so only plan rules and budgets are judged,
# which do not depend on the machine). Usage:
#   docs/bench/check-scales.sh postgres://postgres@127.0.0.1:PORT [SPEC...]
# A SPEC is the seed's arguments joined by commas, e.g. `--scale,small,--seed,3` or
# `--leads,150000`. The default list is the one docs/checks.md reports. Creates (and drops)
# the database lma_check_scales on that server; prints one table row per SPEC and each
# failing check's reasons.
set -euo pipefail
server=$1
shift
specs=("$@")
[ ${#specs[@]} -gt 0 ] || specs=(--scale,tiny --scale,small --scale,small,--seed,3 --leads,150000
  --scale,medium --scale,medium,--seed,3 --scale,large)
root=$(cd "$(dirname "$0")/../.." && pwd)
lma=${LMA:-$root/target/release/lma}
db=$server/lma_check_scales
out=$(mktemp -d)
echo "| data | leads table pages | seed s | check s | result | failing |"
echo "|---|---:|---:|---:|---|---|"
for spec in "${specs[@]}"; do
  IFS=, read -r -a args <<<"$spec"
  psql -q "$server/postgres" -c 'DROP DATABASE IF EXISTS lma_check_scales' -c 'CREATE DATABASE lma_check_scales'
  "$lma" --database-url "$db" migrate -q >/dev/null
  t0=$(date +%s.%N)
  "$lma" --database-url "$db" seed "${args[@]}" -q >/dev/null
  t1=$(date +%s.%N)
  "$lma" --database-url "$db" check --no-latency --require-coverage --format json >"$out/check.json" 2>"$out/stderr" || true
  t2=$(date +%s.%N)
  pages=$(psql -qAt "$db" -c "SELECT relpages FROM pg_class WHERE relname = 'leads'")
  python3 - "$out/check.json" "$out/stderr" "${args[*]}" "$pages" "$t0" "$t1" "$t2" <<'PY'
import json, sys
path, stderr, spec, pages, t0, t1, t2 = sys.argv[1:]
try:
    report = json.load(open(path))
except ValueError:
    print(f"| `seed {spec}` | {pages} | | | error | {open(stderr).read().strip()} |")
    sys.exit()
failing = [c for c in report["checks"] if not c["passed"]]
cov = report.get("coverage") or {}
uncovered = [u["index"] if isinstance(u, dict) else u for u in cov.get("uncovered", [])]
print(f"| `seed {spec}` | {pages} | {float(t1)-float(t0):.1f} | {float(t2)-float(t1):.1f} | "
      f"{report['passed']}/{report['passed']+report['failed']}"
      f"{', uncovered: ' + ', '.join(uncovered) if uncovered else ''} | "
      + "; ".join(f"`{c['name']}`: {' / '.join(c['reasons'])}" for c in failing) + " |")
PY
done
psql -q "$server/postgres" -c 'DROP DATABASE IF EXISTS lma_check_scales'
