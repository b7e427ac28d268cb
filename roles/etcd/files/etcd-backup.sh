#!/bin/sh
# etcd-backup: one checked snapshot of an etcd member, written atomically as
#   $ETCD_BACKUP_DIR/<name>-<UTC time>-rev<revision>.db  (+ .db.sha256)
# and the newest $ETCD_BACKUP_KEEP kept (0 keeps all). Installed by the etcd
# role for etcd-backup.service (the timer: leader only) and sent by
# playbooks/etcd-backup.yml. Exits non-zero whenever it cannot, so a failed
# scheduled backup shows in `systemctl --failed`. Prints key=value lines.
set -eu
: "${ETCD_BACKUP_DIR:?}" "${ETCD_BACKUP_NAME:?}" "${ETCDCTL:?}"
ETCDUTL=${ETCDUTL:-}
endpoint=${ETCD_BACKUP_ENDPOINT:-https://127.0.0.1:2379}
keep=${ETCD_BACKUP_KEEP:-0}
leader_only=${ETCD_BACKUP_LEADER_ONLY:-0}
timeout=${ETCD_BACKUP_TIMEOUT:-300}
dir=$ETCD_BACKUP_DIR
name=$ETCD_BACKUP_NAME
umask 077

fail() { echo "etcd-backup: $*" >&2; exit 1; }
# client TLS when ETCD_BACKUP_CACERT/_CERT/_KEY are set (always, as the role deploys etcd)
ctl() {
  if [ -n "${ETCD_BACKUP_CACERT:-}" ]; then
    ETCDCTL_API=3 "$ETCDCTL" --endpoints="$endpoint" --cacert="$ETCD_BACKUP_CACERT" --cert="$ETCD_BACKUP_CERT" \
      --key="$ETCD_BACKUP_KEY" --dial-timeout=5s --command-timeout="${timeout}s" "$@"
  else
    ETCDCTL_API=3 "$ETCDCTL" --endpoints="$endpoint" --dial-timeout=5s --command-timeout="${timeout}s" "$@"
  fi
}
# the first "field":<number> in JSON text
num() { printf '%s' "$2" | grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2; }

case $name in
  *[!A-Za-z0-9_.-]* | '' | [!A-Za-z0-9]*) fail "bad snapshot name prefix: $name" ;;
esac
case $keep in *[!0-9]* | '') fail "ETCD_BACKUP_KEEP must be a whole number: $keep" ;; esac

status=$(ctl endpoint status -w json 2>&1) || fail "cannot reach etcd at $endpoint: $status"
if [ "$leader_only" = 1 ]; then
  member=$(num member_id "$status")
  leader=$(num leader "$status")
  [ -n "$leader" ] && [ "$leader" != 0 ] || fail "the member at $endpoint knows no leader (quorum lost?): no snapshot"
  if [ "$member" != "$leader" ]; then
    echo "skipped=not the leader: the leader takes this period's snapshot"
    exit 0
  fi
fi

if [ ! -d "$dir" ]; then
  mkdir -p -m 0700 "$dir"
  [ -z "${ETCD_BACKUP_OWNER:-}" ] || chown "$ETCD_BACKUP_OWNER:" "$dir"
fi
stamp=$(date -u +%Y%m%dT%H%M%SZ)
part="$dir/.$name-$stamp.db.part"
trap 'rm -f "$part" "$part.part" "$part.sha256"' EXIT
ctl snapshot save "$part" >/dev/null 2>"$part.err" || { err=$(tail -n 3 "$part.err"); rm -f "$part.err"; fail "snapshot save failed: $err"; }
rm -f "$part.err"

# the check: the file must read as a snapshot (etcdutl on 3.5+, etcdctl on 3.4)
if [ -n "$ETCDUTL" ]; then
  st=$("$ETCDUTL" snapshot status "$part" -w json 2>&1) || fail "snapshot status failed: $st"
else
  st=$(ETCDCTL_API=3 "$ETCDCTL" snapshot status "$part" -w json 2>&1) || fail "snapshot status failed: $st"
fi
rev=$(num revision "$st")
[ -n "$rev" ] || fail "snapshot status gave no revision: $st"
total_key=$(num totalKey "$st")
[ -n "$total_key" ] && [ "$total_key" -gt 0 ] || fail "snapshot status reads no keys: $st"

# what the cluster served at that revision, for the restore test to compare
# (a range's count is of every key in it, whatever the limit; 3.4 has no --count-only)
keys=$(ctl get "" --prefix --keys-only --limit=1 --rev="$rev" -w json 2>/dev/null) && keys=$(num count "$keys") && keys=${keys:-0} || keys=
hashkv=$(ctl endpoint hashkv --rev="$rev" -w json 2>/dev/null) && hashkv=$(num hash "$hashkv") || hashkv=

final="$name-$stamp-rev$rev.db"
sum=$(sha256sum "$part" | cut -d' ' -f1)
printf '%s  %s\n' "$sum" "$final" >"$part.sha256"
sync "$part" "$part.sha256"
mv "$part" "$dir/$final"
mv "$part.sha256" "$dir/$final.sha256"
sync "$dir"
trap - EXIT

echo "snapshot=$dir/$final"
echo "revision=$rev"
echo "sha256=$sum"
echo "size=$(stat -c %s "$dir/$final")"
echo "keys=$keys"
echo "hashkv=$hashkv"

if [ "$keep" -gt 0 ]; then
  pattern="^$(printf '%s' "$name" | sed 's/[.]/\\./g')-[0-9]{8}T[0-9]{6}Z-rev[0-9]+[.]db\$"
  ls -1 "$dir" | grep -E "$pattern" | sort | head -n -"$keep" | while read -r old; do
    rm -f "$dir/$old" "$dir/$old.sha256"
    echo "removed=$old"
  done
fi
