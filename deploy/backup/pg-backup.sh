#!/usr/bin/env bash
# Dump the peerreview database (custom format), verify the dump, prune old dumps.
#
#   PGDATABASE  database to dump            (default: peerreview)
#   BACKUP_DIR  where the dumps go          (default: /var/backups/peerreview)
#   KEEP_DAYS   delete dumps older than N days (default: 14)
#
# Connection settings come from the usual libpq variables (PGHOST, PGUSER, ...); by default
# the local socket with peer authentication, as the user running this script.
# Restore: pg_restore --clean --if-exists --no-owner -d peerreview <file>.dump
set -euo pipefail
trap 'echo "pg-backup: FAILED (line $LINENO); no new dump was kept" >&2' ERR

PGDATABASE="${PGDATABASE:-peerreview}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/peerreview}"
KEEP_DAYS="${KEEP_DAYS:-14}"
export PGDATABASE

if ! [[ "$KEEP_DAYS" =~ ^[1-9][0-9]*$ ]]; then
    echo "KEEP_DAYS must be a positive whole number, got '$KEEP_DAYS'" >&2
    exit 2
fi

umask 077
mkdir -p -- "$BACKUP_DIR"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
final="$BACKUP_DIR/${PGDATABASE}-${stamp}.dump"
tmp="$(mktemp -- "$BACKUP_DIR/.${PGDATABASE}-${stamp}.XXXXXX.partial")"
trap 'rm -f -- "$tmp"' EXIT

echo "Dumping database '$PGDATABASE' ..."
pg_dump --format=custom --file="$tmp" "$PGDATABASE"

# A dump whose table of contents cannot be read is worthless: fail loudly instead.
toc="$(pg_restore --list "$tmp")"
entries="$(grep -cv '^;' <<<"$toc" || true)"
if [[ "$entries" -eq 0 ]]; then
    echo "pg_restore --list found no entries in the dump; keeping nothing" >&2
    exit 1
fi
sync -- "$tmp"
mv -- "$tmp" "$final"
trap - EXIT
echo "Wrote $final ($(du -h -- "$final" | cut -f1), $entries entries, verified with pg_restore --list)"

# Prune: dumps older than KEEP_DAYS days, and leftovers of interrupted runs older than a day.
deleted=0
while IFS= read -r -d '' old; do
    rm -f -- "$old"
    echo "Deleted $old"
    deleted=$((deleted + 1))
done < <(find "$BACKUP_DIR" -maxdepth 1 -type f \
    \( \( -name "${PGDATABASE}-*.dump" -mmin +$((KEEP_DAYS * 1440)) \) \
    -o \( -name ".${PGDATABASE}-*.partial" -mmin +1440 \) \) -print0)

kept="$(find "$BACKUP_DIR" -maxdepth 1 -type f -name "${PGDATABASE}-*.dump" | wc -l)"
echo "Deleted $deleted old file(s); $kept dump(s) kept in $BACKUP_DIR (retention: $KEEP_DAYS days)"
