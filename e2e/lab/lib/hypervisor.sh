# shellcheck shell=bash
# hypervisor.sh: the KVM hosts of the lab (QEMU TCG: /dev/kvm here only runs PVM guests).
#
#   hv-netns        a private network namespace shared by both hosts: userspace OVS (br-int,
#                   netdev datapath), the guests' taps, the gateway port lab-gw, Ceph forwarders
#   hv-HOST-ns      per host a mount + UTS namespace inside it: its own /etc/libvirt,
#                   /var/lib/libvirt, /run/libvirt, /etc/ceph, an empty /root (bind mounts: the
#                   build machine's ~/.bashrc, which bash reads for every SSH command, cost
#                   ≈ 100 ms per command) and hostname HOST,
#                   with libvirtd and sshd (root, key only) -> `ssh` reaches the libvirtd Nova uses
#   nova-compute-HOST  in the host namespace, talks to that libvirtd and to OVS over unix sockets
# Nothing is added to the host's network namespace; socat pairs carry TCP across it
# (host 127.0.0.1:P <-> unix socket <-> namespace 127.0.0.1:P).

OVS_DIR=$HV/ovs
FWD=$HV/fwd

ns_ready() { # name: the anchor has exec'd its final "sleep" (namespaces set up)
  local p; p=$(alive_pid "$1") || return 1
  [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sleep ]
}
start_netns() {
  start_bg hv-netns -- unshare --net -- /bin/sh -c 'ip link set lo up; exec sleep infinity'
  wait_until 10 hv-netns ns_ready hv-netns
}
start_host_ns() { # host
  local h=$1 d=$HV/$1 np
  mkdir -p "$d"/libvirt/{etc,lib,cache,log,run} "$d"/{instances,nova,lock,ssh,ceph,home}
  mkdir -p /etc/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt /run/libvirt /etc/ceph /run/sshd
  np=$(netns_pid)
  start_bg "hv-$h-ns" -- nsenter --net="/proc/$np/ns/net" -- unshare --mount --uts --propagation private -- \
    /bin/sh -ec 'd=$1; hostname "$2"
      mount --bind "$d/libvirt/etc" /etc/libvirt
      mount --bind "$d/libvirt/lib" /var/lib/libvirt
      mount --bind "$d/libvirt/cache" /var/cache/libvirt
      mount --bind "$d/libvirt/log" /var/log/libvirt
      mount --bind "$d/libvirt/run" /run/libvirt
      mount --bind "$d/ceph" /etc/ceph
      mount --bind "$d/home" /root
      exec sleep infinity' hv-anchor "$d" "$h"
  wait_until 10 "hv-$h-ns" ns_ready "hv-$h-ns"
}

ovs_env() { printf '%s\n' OVS_RUNDIR="$OVS_DIR" OVS_LOGDIR="$OVS_DIR" OVS_DBDIR="$OVS_DIR" OVS_SYSCONFDIR="$OVS_DIR"; }
ovs_vsctl() {
  local e; mapfile -t e < <(ovs_env)
  in_netns env "${e[@]}" ovs-vsctl --db="unix:$OVS_DIR/db.sock" --timeout=30 "$@"
}
link_exists() { in_netns ip link show "$1"; }
start_ovs() {
  local np e; np=$(netns_pid); mapfile -t e < <(ovs_env)
  mkdir -p "$OVS_DIR"
  [ -f "$OVS_DIR/conf.db" ] || ovsdb-tool create "$OVS_DIR/conf.db" /usr/share/openvswitch/vswitch.ovsschema
  if ! pid_alive hv-ovsdb; then
    start_bg hv-ovsdb "${e[@]}" -- nsenter --net="/proc/$np/ns/net" -- ovsdb-server "$OVS_DIR/conf.db" \
      --remote="punix:$OVS_DIR/db.sock" --remote=db:Open_vSwitch,Open_vSwitch,manager_options \
      --pidfile="$OVS_DIR/ovsdb-server.pid" --unixctl="$OVS_DIR/ovsdb-server.ctl" \
      --log-file="$LOG/ovsdb-server.log" --no-chdir
    wait_until 20 hv-ovsdb test -S "$OVS_DIR/db.sock"
    ovs_vsctl --no-wait init
    # userspace datapath + taps: without this TCP from virtio guests arrives with bad checksums
    ovs_vsctl --no-wait set Open_vSwitch . other_config:userspace-tso-enable=true
  fi
  start_bg hv-ovs-vswitchd "${e[@]}" -- nsenter --net="/proc/$np/ns/net" -- ovs-vswitchd "unix:$OVS_DIR/db.sock" \
    --pidfile="$OVS_DIR/ovs-vswitchd.pid" --unixctl="$OVS_DIR/ovs-vswitchd.ctl" \
    --log-file="$LOG/ovs-vswitchd.log" --no-chdir
  wait_until 20 hv-ovs-vswitchd test -S "$OVS_DIR/ovs-vswitchd.ctl"
  ovs_vsctl --may-exist add-br br-int -- set bridge br-int datapath_type=netdev
  ovs_vsctl --may-exist add-port br-int lab-gw -- set interface lab-gw type=internal
  wait_until 10 hv-ovs-vswitchd link_exists lab-gw
  in_netns ip link set br-int up 2>/dev/null || true
  in_netns ip link set lab-gw up
  local gw
  for gw in $(guest_gateways); do in_netns ip addr replace "$gw" dev lab-gw; done
}
# the namespace is the router of every seeded guest network: its .1 address lives on lab-gw
guest_gateways() {
  "$PY" -c 'import json,sys,ipaddress
for n in json.load(open(sys.argv[1])).get("networks", []):
    if n.get("external"): continue
    net = ipaddress.ip_network(n["cidr"])
    print("%s/%d" % (n.get("gateway") or net.network_address + 1, net.prefixlen))' "$LAB_HOME/seed.json"
}

# socat pair: host 127.0.0.1:P <-> $FWD/NAME.sock <-> netns 127.0.0.1:P
forward_into_ns() { # name port   (clients on the host, server in the namespace)
  local np; np=$(netns_pid)
  start_bg "fwd-$1-ns" -- nsenter --net="/proc/$np/ns/net" -- socat \
    "UNIX-LISTEN:$FWD/$1.sock,fork,mode=600,unlink-early" "TCP:127.0.0.1:$2"
  wait_until 10 "fwd-$1-ns" test -S "$FWD/$1.sock"
  start_bg "fwd-$1-host" -- socat "TCP-LISTEN:$2,bind=127.0.0.1,fork,reuseaddr" "UNIX-CONNECT:$FWD/$1.sock"
}
forward_from_ns() { # name port   (clients in the namespace, server on the host)
  local np; np=$(netns_pid)
  start_bg "fwd-$1-host" -- socat "UNIX-LISTEN:$FWD/$1.sock,fork,mode=600,unlink-early" "TCP:127.0.0.1:$2"
  wait_until 10 "fwd-$1-host" test -S "$FWD/$1.sock"
  start_bg "fwd-$1-ns" -- nsenter --net="/proc/$np/ns/net" -- socat \
    "TCP-LISTEN:$2,bind=127.0.0.1,fork,reuseaddr" "UNIX-CONNECT:$FWD/$1.sock"
}
ceph_ports() { # TCP ports our ceph daemons listen on
  local pids
  pids=$(for n in ceph-mon ceph-mgr ceph-osd; do alive_pid "$n"; done | paste -sd'|')
  [ -n "$pids" ] || return 0
  ss -Hltnp | awk -v re="pid=($pids)," '$0 ~ re { n = split($4, a, ":"); print a[n] }' | sort -un
}
ceph_listening() { [ "$(ceph_ports | wc -l)" -ge 6 ]; }   # mon 2 + mgr 2 + osd public 2 at least
# Direct (TLS) disk transfer: qemu-nbd on a host listens on a port of the shared namespace;
# these carry 127.0.0.1:NBD_PORTS of the host to it, as a routed network would.
start_transfer_forwarders() {
  mkdir -p "$FWD"
  local p
  for p in "${NBD_PORTS[@]}"; do forward_into_ns "nbd-$p" "$p"; done
}
start_ceph_forwarders() {
  mkdir -p "$FWD"
  wait_until 60 ceph-mgr ceph_listening
  local p
  for p in $(ceph_ports); do forward_from_ns "ceph-$p" "$p"; done
}
