# shellcheck shell=bash
# hv-host.sh: per compute host: libvirtd + sshd inside its namespace, the Ceph files the
# host needs, nova-compute (libvirt driver) and the Neutron/Nova glue that registers it.

host_ns() { local p; p=$(host_ns_pid "$1"); echo nsenter --mount="/proc/$p/ns/mnt" --uts="/proc/$p/ns/uts" --net="/proc/$p/ns/net" --; }
libvirt_answers() { virsh_on "$1" version; }

write_libvirt_conf() { # host
  local e=$HV/$1/libvirt/etc
  cat > "$e/libvirtd.conf" <<CNF
unix_sock_group = "root"
unix_sock_ro_perms = "0777"
unix_sock_rw_perms = "0700"
auth_unix_ro = "none"
auth_unix_rw = "none"
log_outputs = "3:file:$LOG/libvirtd-$1.log"
CNF
  # qemu runs as root: the SSH user (root) reads and writes every disk; no virtlogd, no cgroups
  cat > "$e/qemu.conf" <<CNF
user = "root"
group = "root"
dynamic_ownership = 1
security_driver = "none"
stdio_handler = "file"
cgroup_controllers = [ ]
CNF
}
# /etc/ceph inside the namespace, as on a real compute node (rbd works without options)
write_host_ceph() { # host
  local c=$HV/$1/ceph
  printf '[global]\nfsid = %s\nmon_host = [v2:127.0.0.1:3300,v1:127.0.0.1:6789]\nkeyring = /etc/ceph/$cluster.$name.keyring\nlog_to_stderr = false\nlog_file = /dev/null\n' \
    "$CEPH_FSID" > "$c/ceph.conf"
  install -m 600 "$ETC/ceph/ceph.client.admin.keyring" "$ETC/ceph/ceph.client.cinder.keyring" "$c/"
}
start_libvirtd() { # host
  local h=$1 ns
  write_libvirt_conf "$h"
  read -ra ns <<< "$(host_ns "$h")"
  start_bg "hv-$h-libvirtd" -- "${ns[@]}" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C \
    /usr/sbin/libvirtd --config=/etc/libvirt/libvirtd.conf --pid-file=/run/libvirt/libvirtd.pid
  wait_until 60 "hv-$h-libvirtd" libvirt_answers "$h"
  # Cinder's RBD secret: uuid from cinder.conf, key of client.cinder
  local key xml=$HV/$h/libvirt/secret.xml
  key=$(sed -n 's/^[[:space:]]*key *= *//p' "$ETC/ceph/ceph.client.cinder.keyring" | head -1)
  printf "<secret ephemeral='no' private='no'><uuid>%s</uuid><usage type='ceph'><name>client.cinder secret</name></usage></secret>\n" \
    "$RBD_SECRET_UUID" > "$xml"
  if ! virsh_on "$h" secret-get-value "$RBD_SECRET_UUID" 2>/dev/null | grep -qxF "$key"; then
    virsh_on "$h" secret-undefine "$RBD_SECRET_UUID" >/dev/null 2>&1 || true
    virsh_on "$h" secret-define "$xml" >/dev/null
    virsh_on "$h" secret-set-value "$RBD_SECRET_UUID" --base64 "$key" >/dev/null 2>&1 \
      || virsh_on "$h" secret-set-value "$RBD_SECRET_UUID" "$key" >/dev/null
  fi
}

ensure_ssh_keys() {
  [ -f "$LAB_DIR/keys/hypervisor_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C lab-hypervisor-client -f "$LAB_DIR/keys/hypervisor_ed25519"
  install -m 600 "$LAB_DIR/keys/hypervisor_ed25519.pub" "$HV/authorized_keys"
}
start_sshd() { # host
  local h=$1 s=$HV/$1/ssh port=${HV_SSH_PORT[$1]} ns
  [ -f "$s/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C "$h" -f "$s/ssh_host_ed25519_key"
  [ -f "$s/ssh_host_rsa_key" ] || ssh-keygen -q -t rsa -b 3072 -N '' -C "$h" -f "$s/ssh_host_rsa_key"
  cat > "$s/sshd_config" <<CNF
# sshd of hypervisor $h: inside its namespace, so sessions see its libvirtd, /etc/ceph and guests
Port $port
ListenAddress 127.0.0.1
AddressFamily inet
HostKey $s/ssh_host_ed25519_key
HostKey $s/ssh_host_rsa_key
PidFile none
UsePAM no
PermitRootLogin prohibit-password
AuthorizedKeysFile $HV/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
AllowTcpForwarding yes
AllowStreamLocalForwarding yes
X11Forwarding no
PrintMotd no
UseDNS no
MaxStartups 64:30:128
MaxSessions 32
SetEnv LIBVIRT_DEFAULT_URI=qemu:///system
Subsystem sftp internal-sftp
LogLevel VERBOSE
CNF
  /usr/sbin/sshd -t -f "$s/sshd_config" || die "sshd -t rejected $s/sshd_config"
  read -ra ns <<< "$(host_ns "$h")"
  start_bg "hv-$h-sshd" -- "${ns[@]}" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
    /usr/sbin/sshd -D -f "$s/sshd_config" -E "$LOG/sshd-$h.log"
  forward_into_ns "ssh-$h" "$port"
  wait_port "$port" 20 "hv-$h-sshd"
}

write_compute_conf() { # host
  local h=$1
  cat > "$HV/$h/nova-compute.conf" <<CNF
# compute host $h: loaded after the lab's nova.conf
[DEFAULT]
host = $h
compute_driver = libvirt.LibvirtDriver
state_path = $HV/$h/nova
instances_path = $HV/$h/instances
log_file = $LOG/nova-compute-$h.log
# the guest reads IP, hostname and keys from the config drive (no DHCP/metadata agents)
force_config_drive = true
config_drive_format = iso9660
resume_guests_state_on_host_boot = true
sync_power_state_interval = 60
vif_plugging_is_fatal = false
vif_plugging_timeout = 0
reserved_host_memory_mb = 512
cpu_allocation_ratio = 16.0
ram_allocation_ratio = 1.0
disk_allocation_ratio = 1.0
[libvirt]
virt_type = qemu
connection_uri = qemu+unix:///system?socket=$HV/$h/libvirt/run/libvirt-sock
cpu_mode = none
images_type = ${HV_IMAGES_TYPE[$h]}
rbd_user = cinder
rbd_secret_uuid = $RBD_SECRET_UUID
inject_partition = -2
inject_password = false
inject_key = false
[os_vif_ovs]
ovsdb_connection = unix:$OVS_DIR/db.sock
ovsdb_interface = native
[oslo_concurrency]
lock_path = $HV/$h/lock
CNF
}
start_compute() { # host
  write_compute_conf "$1"
  start_bg "nova-compute-$1" -- nova-compute --config-file "$ETC/nova/nova.conf" --config-file "$HV/$1/nova-compute.conf"
}

# ML2/openvswitch binds ports only on hosts with a live OVS agent; no agent runs here, so one
# placeholder row per host (agent_down_time is ~10 years). datapath_type netdev keeps os-vif
# from switching br-int to the kernel datapath, which does not exist here.
register_agent_row() { # host index
  sql neutron <<SQL
INSERT INTO agents (id, agent_type, \`binary\`, topic, host, availability_zone, admin_state_up,
  created_at, started_at, heartbeat_timestamp, description, configurations, \`load\`, resource_versions, resources_synced)
VALUES ('5e0b0a2e-1ab0-4a5b-9c1e-0e1ab00000a$2', 'Open vSwitch agent', 'neutron-openvswitch-agent', 'N/A', '$1',
  NULL, 1, UTC_TIMESTAMP(), UTC_TIMESTAMP(), UTC_TIMESTAMP(), 'placeholder agent of the lab (userspace OVS, no agent process)',
  '{"bridge_mappings": {"physnet1": "br-ex"}, "tunnel_types": ["vxlan"], "tunneling_ip": "127.0.0.1", "integration_bridge": "br-int", "ovs_hybrid_plug": false, "datapath_type": "netdev", "ovs_capabilities": {"datapath_types": ["netdev", "system"], "iface_types": ["internal", "system", "tap"]}, "l2_population": false, "arp_responder_enabled": false, "enable_distributed_routing": false, "devices": 0, "extensions": [], "log_agent_heartbeats": false}',
  0, NULL, 1)
ON DUPLICATE KEY UPDATE heartbeat_timestamp = UTC_TIMESTAMP(), admin_state_up = 1;
SQL
}
compute_node_registered() { [ "$(sql nova -N -e "select count(*) from compute_nodes where host='$1' and deleted=0")" != 0 ]; }
host_mapped() { [ "$(sql nova_api -N -e "select count(*) from host_mappings where host='$1'")" != 0 ]; }
register_hosts() {
  local h
  for h in "${HV_HOSTS[@]}"; do wait_until 240 "nova-compute-$h" compute_node_registered "$h"; done
  for h in "${HV_HOSTS[@]}"; do
    host_mapped "$h" || run_logged nova nova-manage --config-file "$ETC/nova/nova.conf" cell_v2 discover_hosts --verbose
  done
  done_mark az-raw && return 0
  # zone "raw" = aggregate of lab-kvm-2; lab-kvm-1 stays in the default zone "nova"
  local os=(openstack --os-cloud lab-admin)
  export OS_CLIENT_CONFIG_FILE=$LAB_DIR/clouds.yaml
  "${os[@]}" aggregate show raw-disk >/dev/null 2>&1 || "${os[@]}" aggregate create --zone raw raw-disk >/dev/null
  "${os[@]}" aggregate add host raw-disk lab-kvm-2 >/dev/null 2>&1 || true
  "${os[@]}" aggregate show raw-disk -f value -c hosts | grep -q lab-kvm-2 || die "aggregate raw-disk lacks lab-kvm-2"
  mark_done az-raw
}

# after a restart Nova brings ACTIVE servers back (resume_guests_state_on_host_boot); wait for it
active_uuids() { sql nova -N -e "select uuid from instances where host='$1' and deleted=0 and vm_state='active' order by uuid"; }
running_uuids() { virsh_on "$1" list --uuid | sed '/^$/d' | sort; }
guests_running() { [ "$(active_uuids "$1" | sort)" = "$(running_uuids "$1")" ]; }
wait_guests() {
  local h
  for h in "${HV_HOSTS[@]}"; do wait_until 300 "nova-compute-$h" guests_running "$h"; done
}

start_hypervisors() {
  local h i=0
  ensure_ssh_keys
  for h in "${HV_HOSTS[@]}"; do
    i=$((i + 1))
    start_host_ns "$h"
    write_host_ceph "$h"
    start_libvirtd "$h"
    start_sshd "$h"
    register_agent_row "$h" "$i"
    start_compute "$h"
  done
}
