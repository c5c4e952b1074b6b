#!/usr/bin/env bash
# Back up the portal: its PostgreSQL database and its uploaded files, into one dated directory.
#
#   deploy/backup.sh            (portal-backup.service runs it every night, as user portal)
#
# Reads from the environment (/etc/portal/portal.env under systemd; by hand:
# set -a; . /etc/portal/portal.env; set +a):
#   DATABASE_URL      the database to dump (postgres://user:password@host:port/name)
#   PORTAL_VAR_DIR    its uploaded files are $PORTAL_VAR_DIR/media (MEDIA_ROOT)
#   BACKUP_DIR        where backups go (default /var/backups/portal)
#   BACKUP_KEEP_DAYS  keep the backups of this many most recent days (default 14)
#
# Writes $BACKUP_DIR/<YYYY-MM-DDTHHMMSS>/ holding
#   portal.dump    pg_dump --format=custom (restore with deploy/restore.sh, or pg_restore)
#   media.tar.gz   the uploaded files, relative to MEDIA_ROOT
#   MANIFEST       what was backed up, when, and how many database objects and files
#   SHA256SUMS     checksums of the three files above (sha256sum -c SHA256SUMS)
# The backup is built in $BACKUP_DIR/.partial-<stamp>/ and renamed to its dated name only
# once every step succeeded and was checked (pg_restore --list reads the whole dump's table
# of contents, tar lists the whole archive): a directory with a dated name is complete.
# Any failure exits non-zero and removes the partial directory. Then the dated directories
# of all but the BACKUP_KEEP_DAYS most recent days are removed.
set -euo pipefail
umask 077

fail() {
  echo "backup: FAILED: $*" >&2
  exit 1
}

: "${DATABASE_URL:?backup: DATABASE_URL is not set}"
VAR_DIR=${PORTAL_VAR_DIR:-/var/lib/portal}
MEDIA_DIR="$VAR_DIR/media"
BACKUP_DIR=${BACKUP_DIR:-/var/backups/portal}
KEEP_DAYS=${BACKUP_KEEP_DAYS:-14}
[[ "$KEEP_DAYS" =~ ^[1-9][0-9]*$ ]] || fail "BACKUP_KEEP_DAYS must be a whole number of days, 1 or more"
for tool in pg_dump pg_restore tar sha256sum; do
  command -v "$tool" >/dev/null || fail "$tool not found (apt-get install postgresql-client)"
done

# libpq reads postgres:// and postgresql://; dj-database-url also takes pgsql:// and postgis://.
DB_URI=$(printf '%s' "$DATABASE_URL" | sed -E 's#^(pgsql|postgis)://#postgresql://#')
[[ "$DB_URI" =~ ^postgres(ql)?:// ]] || fail "DATABASE_URL is not a PostgreSQL URL"
DB_SHOWN=$(printf '%s' "$DB_URI" | sed -E 's#://([^:@/]*):[^@/]*@#://\1:***@#')

STAMP=$(date +%Y-%m-%dT%H%M%S)
FINAL="$BACKUP_DIR/$STAMP"
WORK="$BACKUP_DIR/.partial-$STAMP"
mkdir -p "$BACKUP_DIR"
[[ -e "$FINAL" ]] && fail "$FINAL already exists"
cleanup() { rm -rf -- "$WORK"; }
trap cleanup EXIT
trap 'exit 143' TERM INT HUP  # stopped: still remove the partial directory
mkdir "$WORK"
started=$(date +%s)

echo "backup: dumping $DB_SHOWN"
pg_dump --format=custom --compress=6 --file="$WORK/portal.dump" --dbname="$DB_URI" \
  || fail "pg_dump of $DB_SHOWN"
entries=$(pg_restore --list "$WORK/portal.dump" | grep -cv '^;') || fail "pg_restore --list cannot read the dump"
tables=$(pg_restore --list "$WORK/portal.dump" | grep -c ' TABLE DATA ') || true
[[ "$entries" -gt 0 ]] || fail "the dump holds no database objects"

# After the dump: a file is stored before the row naming it is committed, so every file the
# dump names is already there (files uploaded meanwhile are extra, and harmless).
if [[ -d "$MEDIA_DIR" ]]; then
  echo "backup: archiving $MEDIA_DIR"
  status=0
  tar --create --gzip --file="$WORK/media.tar.gz" --directory="$MEDIA_DIR" . || status=$?
  # GNU tar's 1: a file changed or went away while it was read (an upload, an export
  # removed); the archive is whole. Anything else is a failure.
  ((status == 0)) || { ((status == 1)) && echo "backup: warning: files changed while archiving"; } \
    || fail "tar of $MEDIA_DIR (exit $status)"
else
  echo "backup: $MEDIA_DIR does not exist: no uploaded files yet, archiving nothing"
  tar --create --gzip --file="$WORK/media.tar.gz" --files-from=/dev/null || fail "tar"
fi
files=$(tar --list --gzip --file="$WORK/media.tar.gz" | grep -cv '/$') || files=0
tar --list --gzip --file="$WORK/media.tar.gz" >/dev/null || fail "the media archive cannot be read back"

cat >"$WORK/MANIFEST" <<EOF
created: $(date --iso-8601=seconds)
host: $(hostname)
database: $DB_SHOWN
pg_dump: $(pg_dump --version)
database objects: $entries
tables with data: $tables
media directory: $MEDIA_DIR
media files: $files
EOF
(cd "$WORK" && sha256sum portal.dump media.tar.gz MANIFEST >SHA256SUMS) || fail "checksums"

mv --no-target-directory "$WORK" "$FINAL" || fail "cannot rename $WORK to $FINAL"
trap - EXIT
size=$(du -sh "$FINAL" | cut -f1)
echo "backup: complete: $FINAL ($size; $entries database objects, $tables tables with data, $files files) in $(($(date +%s) - started)) s"

# Retention: every dated backup of the KEEP_DAYS most recent days that have one is kept.
# Partial directories left by a run that was killed outright (no trap ran) go after a day.
mapfile -t days < <(find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '20??-??-??T??????' -printf '%f\n' \
  | cut -c1-10 | sort -u)
if ((${#days[@]} > KEEP_DAYS)); then
  for day in "${days[@]:0:${#days[@]}-KEEP_DAYS}"; do
    for old in "$BACKUP_DIR/$day"T??????; do
      echo "backup: removing $old (older than the $KEEP_DAYS most recent days)"
      rm -rf -- "$old"
    done
  done
fi
find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '.partial-*' -mmin +1440 -exec rm -rf -- {} +
