#!/usr/bin/env bash
# Runs every test project against a local PostgreSQL and the system's Chromium (both installed if missing).
# Ends with one line "N passed, N failed, N skipped" over all projects; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

bash scripts/ensure-postgres.sh || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
if [ ! -x /usr/bin/chromium ]; then
  echo "==> Installing Chromium from the distribution's packages"
  sudo_if_needed apt-get update -qq && sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

if ! dotnet build InfraAdmin.sln -nologo -v quiet; then
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

passed=0; failed=0; skipped=0
for project in InfraAdmin.Tests InfraAdmin.E2E; do
  [ -d "$project" ] || continue
  log=$(mktemp)
  echo "==> $project"
  dotnet test --project "$project" --no-build 2>&1 | tee "$log" | grep -E '^(failed|passed|skipped) |^\s+(total|failed|succeeded|skipped):' || true
  t=$(grep -E '^\s+total:' "$log" | tail -1 | awk '{print $2}')
  if [ -z "$t" ]; then
    echo "$project did not report a summary (crash?):"; tail -40 "$log"
    failed=$((failed + 1))
  else
    passed=$((passed + $(grep -E '^\s+succeeded:' "$log" | tail -1 | awk '{print $2}')))
    f=$(grep -E '^\s+failed:' "$log" | tail -1 | awk '{print $2}')
    failed=$((failed + f))
    if [ "$f" -gt 0 ]; then echo "--- failures in $project ---"; grep -E '^failed ' -A40 "$log" | grep -vE '^\s+at (System|Microsoft|Xunit|Bunit)\.' | head -300; fi
    skipped=$((skipped + $(grep -E '^\s+skipped:' "$log" | tail -1 | awk '{print $2}')))
  fi
  rm -f "$log"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
