#!/bin/bash
# Captures what ansible-playbook (Debian's ansible-core 2.14) does with each
# folder here: its exit code and its PLAY RECAP lines, into
# FOLDER/ansible-2.14.txt. The conformance test compares ezplay with these
# files; it never runs Ansible itself. Run by hand after adding a folder:
#   bash test/conformance/capture.sh [FOLDER...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
folders=("$@")
[ ${#folders[@]} -gt 0 ] || mapfile -t folders < <(find . -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
for f in "${folders[@]}"; do
  work=$(mktemp -d)
  cp -r "$f/." "$work/"
  args=()
  [ -f "$f/args.json" ] && mapfile -t args < <(python3 -c 'import json,sys; print("\n".join(json.load(open(sys.argv[1]))))' "$f/args.json")
  set +e
  out=$(cd "$work" && ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ansible-playbook -i hosts play.yml "${args[@]}" 2>&1)
  rc=$?
  set -e
  {
    echo "# ansible-playbook $(ansible-playbook --version 2>/dev/null | sed -n '1s/.*core \(.*\)]/\1/p')"
    echo "rc: $rc"
    printf '%s\n' "$out" | sed -n '/^PLAY RECAP/,$p' | sed 's/ *$//' | grep -v '^$' || true
  } > "$f/ansible-2.14.txt"
  rm -rf "$work"
  echo "$f: rc=$rc"
done
