#!/usr/bin/env bash
# lma advise on the 1M data set (docs/benchmarks.md, "lma advise at 1M leads"): for each of five
# indexes dropped in turn, time `lma advise CHECK` (with --verify for the GIN one, which HypoPG
# cannot cost), build its top proposal as printed, run the check with its budgets, then put
# the original index back. Usage: docs/bench/advise-1m.sh URL (a database seeded with
# `lma seed --scale large`, with CREATE EXTENSION hypopg done).
set -euo pipefail
url=$1
lma=${LMA:-target/release/lma}
pairs=(
  "lead_assignment_queue idx_leads_assignable"
  "recent_leads idx_leads_org_created_desc"
  "workflow_execution_monitoring idx_workflow_exec_monitoring"
  "upcoming_communications idx_communications_upcoming"
  "custom_field_search idx_leads_custom_fields_gin"
)
for pair in "${pairs[@]}"; do
  read -r check index <<<"$pair"
  original=$(psql -X -At "$url" -c "SELECT pg_get_indexdef('$index'::regclass)")
  psql -X -q "$url" -c "DROP INDEX $index"
  extra=()
  [[ $index == *_gin ]] && extra=(--verify)
  start=$(date +%s.%N)
  "$lma" -q --database-url "$url" advise "$check" "${extra[@]}" --format json >"/tmp/advise-$check.json" || true
  end=$(date +%s.%N)
  statement=$(python3 -c "
import json, sys
c = json.load(open('/tmp/advise-$check.json'))['checks'][0]
if c['proposals']:
    print(c['proposals'][0]['statement'])
elif c.get('verification') and c['verification']['builds']:
    best = c['verification']['builds'][0]['index']
    print(next(u['statement'] for u in c['unvalidated'] if u['name'] == best))
")
  printf '%s: advise %.1f s; top: %s\n' "$check" "$(echo "$end - $start" | bc)" "$statement"
  psql -X -q "$url" -c "$statement"
  psql -X -q "$url" -c "ANALYZE"
  "$lma" -q --database-url "$url" check --only "$check" | tail -n 3 || true
  name=$(python3 -c "print('''$statement'''.split()[3])")
  psql -X -q "$url" -c "DROP INDEX $name"
  psql -X -q "$url" -c "$original"
done
