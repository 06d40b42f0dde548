# shellcheck shell=bash
# packages.sh: Debian 12 packages the lab needs; installed only when missing.

LAB_PKGS=(
  # infrastructure
  mariadb-server rabbitmq-server ceph-mon ceph-osd ceph-mgr ceph-common python3-rbd python3-rados
  radosgw
  # OpenStack Zed
  keystone glance-api placement-api nova-api nova-conductor nova-scheduler nova-compute nova-compute-kvm
  cinder-api cinder-scheduler cinder-volume neutron-server
  python3-openstackclient python3-osc-placement python3-pymysql uwsgi-core uwsgi-plugin-python3
  # the hypervisors (libvirt without systemd: the -sysv variant), userspace OVS, forwarders
  libvirt-daemon-system libvirt-daemon-system-sysv libvirt-clients qemu-system-x86 qemu-block-extra
  qemu-utils openvswitch-switch python3-libvirt python3-os-vif socat genisoimage
  openssh-server openssh-client nginx-light
  # the guest image (build-image.sh)
  busybox-static dropbear-bin syslinux syslinux-common mtools dosfstools e2fsprogs cpio kmod fdisk
  sudo uuid-runtime iproute2 procps curl
)

POLICY_RC=/usr/sbin/policy-rc.d
POLICY_SAVED=""
restore_policy_rc() {
  [ -n "$POLICY_SAVED" ] || return 0
  if [ "$POLICY_SAVED" = none ]; then rm -f "$POLICY_RC"; else mv -f "$POLICY_SAVED" "$POLICY_RC"; fi
  POLICY_SAVED=""
}
# maintainer scripts must not start daemons (a system sshd, libvirtd, mariadb ...): exit 101
block_daemon_starts() {
  if [ -e "$POLICY_RC" ]; then
    POLICY_SAVED=$POLICY_RC.lab-saved.$$
    cp -p "$POLICY_RC" "$POLICY_SAVED"
  else
    POLICY_SAVED=none
  fi
  trap restore_policy_rc EXIT
  printf '#!/bin/sh\n# written by e2e/lab/up: no daemon starts during package installs\nexit 101\n' > "$POLICY_RC.lab.$$"
  chmod 755 "$POLICY_RC.lab.$$"
  mv -f "$POLICY_RC.lab.$$" "$POLICY_RC"
}
missing_packages() {
  local p
  for p in "${LAB_PKGS[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || echo "$p"
  done
}
install_packages() {
  local missing
  mapfile -t missing < <(missing_packages)
  [ ${#missing[@]} -eq 0 ] && { log "packages: all present"; return 0; }
  [ "${LAB_SKIP_INSTALL:-0}" = 1 ] && die "missing packages and LAB_SKIP_INSTALL=1: ${missing[*]}"
  log "packages: installing ${#missing[@]} missing (log: $LOG/apt.log)"
  block_daemon_starts
  export DEBIAN_FRONTEND=noninteractive
  local apt=(apt-get -o DPkg::Lock::Timeout=900 -o Acquire::Retries=3 -q)
  for _ in 1 2 3; do
    "${apt[@]}" update >> "$LOG/apt.log" 2>&1 && break
    sleep 10
  done
  "${apt[@]}" -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    install --no-install-recommends "${missing[@]}" >> "$LOG/apt.log" 2>&1 \
    || { tail -20 "$LOG/apt.log" >&2; die "apt-get install failed (see $LOG/apt.log)"; }
  restore_policy_rc
  trap - EXIT
  log "packages: done"
}
