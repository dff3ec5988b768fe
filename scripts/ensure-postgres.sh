#!/usr/bin/env bash
# Makes sure a local PostgreSQL (Debian/Ubuntu packages) is installed, running and has the
# `infraadmin` role with CREATEDB. Idempotent; safe to run on every start.
set -euo pipefail

PGUSER_APP="${INFRAADMIN_PG_USER:-infraadmin}"
PGPASS_APP="${INFRAADMIN_PG_PASSWORD:-infraadmin}"

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "==> Installing PostgreSQL from the distribution's packages"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version main"; then
  sudo_if_needed pg_createcluster "$version" main >/dev/null
fi
if ! pg_lsclusters -h | grep "^$version main" | grep -q online; then
  echo "==> Starting PostgreSQL $version"
  sudo_if_needed pg_ctlcluster "$version" main start
fi

for _ in $(seq 1 30); do
  if sudo_if_needed su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1; then break; fi
  sleep 1
done

sudo_if_needed su postgres -c "psql -qtAc \"DO \\\$\\\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PGUSER_APP') THEN
    CREATE ROLE $PGUSER_APP LOGIN CREATEDB PASSWORD '$PGPASS_APP';
  END IF;
END \\\$\\\$;\"" >/dev/null
if ! sudo_if_needed su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname = 'infraadmin'\"" | grep -q 1; then
  sudo_if_needed su postgres -c "createdb -O $PGUSER_APP infraadmin"
fi
echo "==> PostgreSQL $version is up on 127.0.0.1:5432 (role $PGUSER_APP)"
