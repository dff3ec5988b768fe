#!/usr/bin/env bash
# Runs InfraAdmin on a local PostgreSQL: installs and starts it if missing, migrates, loads the demo data, serves.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-postgres.sh
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
dotnet build InfraAdmin -c Release -v quiet -nologo
dotnet run --project InfraAdmin -c Release --no-build -- migrate
dotnet run --project InfraAdmin -c Release --no-build -- seed demo
echo "==> InfraAdmin on ${ASPNETCORE_URLS:-http://127.0.0.1:5080}  (sign in as admin@infraadmin.local / InfraAdmin!2026)"
exec dotnet run --project InfraAdmin -c Release --no-build
