# Takes a member back to before the etcd playbook ran (either tool's run):
# etcd stopped and disabled, its unit, binaries, certificates, data, user,
# group and firewall rules gone. Faster than resetting the machine.
systemctl disable --now etcd.service >/dev/null 2>&1
rm -f /etc/systemd/system/etcd.service
systemctl daemon-reload
systemctl reset-failed etcd.service >/dev/null 2>&1
rm -rf /opt/kube /etc/kubernetes /var/lib/etcd /var/tmp/ezplay-unarchive
userdel etcd >/dev/null 2>&1
groupdel etcd >/dev/null 2>&1
iptables -w -S INPUT | grep -e '--comment "\{0,1\}ezplay"\{0,1\} ' | sed 's/^-A /-D /' | while read -r rule; do
  eval "iptables -w $rule"
done
true
