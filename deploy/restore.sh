#!/usr/bin/env bash
# Restore one backup of deploy/backup.sh into a fresh database and an empty uploads directory.
#
#   deploy/restore.sh BACKUP DATABASE_URL MEDIA_DIR
#
#   BACKUP        a dated backup directory, e.g. /var/backups/portal/2026-12-06T031500
#   DATABASE_URL  the database to restore into; it must exist and be empty (createdb), e.g.
#                 postgres://portal:password@127.0.0.1:5432/portal
#   MEDIA_DIR     where the uploaded files go: $PORTAL_VAR_DIR/media of the portal that will
#                 use the database; it must not exist yet or be empty
#
# Steps: check the backup's checksums and read the dump's table of contents; refuse a
# database that has tables or a media directory that has files (move those aside first:
# nothing is ever overwritten); pg_restore in one transaction, stopping at the first error
# (either everything is restored or nothing is); unpack the files; ANALYZE.
# Objects are owned by the user of DATABASE_URL (--no-owner), so the backup restores into
# any database whatever the role names of the machine it came from.
# Stop the portal's services first when restoring the database they use; afterwards run
# `manage.py migrate` if the code is newer than the backup, then `make check-host`.
set -euo pipefail
umask 027

fail() {
  echo "restore: FAILED: $*" >&2
  exit 1
}

if [[ $# -ne 3 ]]; then
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
  exit 2
fi
BACKUP=${1%/}
DB_URI=$(printf '%s' "$2" | sed -E 's#^(pgsql|postgis)://#postgresql://#')
MEDIA_DIR=${3%/}
[[ "$DB_URI" =~ ^postgres(ql)?:// ]] || fail "the target is not a PostgreSQL URL"
DB_SHOWN=$(printf '%s' "$DB_URI" | sed -E 's#://([^:@/]*):[^@/]*@#://\1:***@#')
for tool in pg_restore psql tar sha256sum; do
  command -v "$tool" >/dev/null || fail "$tool not found (apt-get install postgresql-client)"
done

echo "restore: checking $BACKUP"
for name in portal.dump media.tar.gz MANIFEST SHA256SUMS; do
  [[ -f "$BACKUP/$name" ]] || fail "$BACKUP/$name is missing: not a complete backup"
done
(cd "$BACKUP" && sha256sum --quiet --check SHA256SUMS) || fail "checksums do not match: the backup is damaged"
entries=$(pg_restore --list "$BACKUP/portal.dump" | grep -cv '^;') || fail "pg_restore cannot read the dump"

existing=$(psql --no-psqlrc --quiet --tuples-only --no-align --dbname="$DB_URI" --command \
  "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
     AND c.relkind IN ('r', 'p', 'v', 'm', 'S')") || fail "cannot connect to $DB_SHOWN"
[[ "$existing" == 0 ]] || fail "$DB_SHOWN already holds $existing tables or sequences: restore into a fresh database (createdb)"
if [[ -e "$MEDIA_DIR" ]]; then
  [[ -d "$MEDIA_DIR" ]] || fail "$MEDIA_DIR is not a directory"
  [[ -z "$(ls -A "$MEDIA_DIR")" ]] || fail "$MEDIA_DIR is not empty: move it aside first"
fi

echo "restore: restoring the database into $DB_SHOWN ($entries objects)"
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$DB_URI" "$BACKUP/portal.dump" || fail "pg_restore into $DB_SHOWN (nothing was restored)"
psql --no-psqlrc --quiet --dbname="$DB_URI" --command "ANALYZE" || fail "ANALYZE"

echo "restore: unpacking the uploaded files into $MEDIA_DIR"
mkdir -p "$MEDIA_DIR"
tar --extract --gzip --file="$BACKUP/media.tar.gz" --directory="$MEDIA_DIR" --no-same-owner \
  || fail "unpacking the files into $MEDIA_DIR"
files=$(find "$MEDIA_DIR" -type f | wc -l)
tables=$(psql --no-psqlrc --quiet --tuples-only --no-align --dbname="$DB_URI" --command \
  "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
echo "restore: complete: $tables tables in $DB_SHOWN, $files files in $MEDIA_DIR"
