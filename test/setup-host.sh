#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing, so
# `npm test` works on a fresh machine. Quick when everything is there.
# (The lab installs its own: systemd-container, debootstrap, ...)
set -euo pipefail
need=()
command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
command -v sudo >/dev/null 2>&1 || need+=(sudo)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v cfssl >/dev/null 2>&1 || need+=(golang-cfssl)
command -v etcdctl >/dev/null 2>&1 || need+=(etcd-client)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v rsync >/dev/null 2>&1 || need+=(rsync)
python3 -c "import ensurepip" >/dev/null 2>&1 || need+=(python3-venv)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "the tests need these Debian packages: ${need[*]} (run as root on Debian, or install them)" >&2
  exit 1
fi
echo "installing the packages the tests need: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
