# shellcheck shell=bash disable=SC2034  # (variables are used by the scripts that source this file)
# common.sh: paths, logging and pid bookkeeping shared by up, down, seed and tls-cert.
# Every daemon the lab starts is recorded as "pid starttime" in $RUN/NAME.pid; the kernel
# start time makes a recycled pid harmless (down never signals a process it did not start).

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C.UTF-8 LANG=C.UTF-8

LAB_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)   # e2e/lab
LAB_DIR=${LAB_DIR:-$LAB_HOME/state}
mkdir -p "$LAB_DIR"
LAB_DIR=$(cd "$LAB_DIR" && pwd)
export LAB_DIR

ETC=$LAB_DIR/etc
LOG=$LAB_DIR/log
RUN=$LAB_DIR/run
HV=$LAB_DIR/hv                  # hypervisors: namespaces, libvirt, OVS, instances
MYSQL_SOCK=$RUN/mysqld.sock
CEPH_CONF=$ETC/ceph/ceph.conf
PY=/usr/bin/python3

HOST_NAME=openstack-lab         # "host" of the control services (api, conductor, scheduler, cinder)
REGION=RegionOne
SERVICE_PASSWORD=service-secret
DB_USER=openstack
DB_PASSWORD=db-secret
RABBIT_USER=openstack
RABBIT_PASSWORD=rabbit-secret
KS=http://127.0.0.1:5000
KS_TLS_PORT=5001

# The two compute hosts. Nova's images_type is per host: lab-kvm-1 keeps image-backed root
# disks as qcow2 overlays on _base (the usual case), lab-kvm-2 as flat raw files.
HV_HOSTS=(lab-kvm-1 lab-kvm-2)
declare -A HV_IMAGES_TYPE=([lab-kvm-1]=qcow2 [lab-kvm-2]=flat)
declare -A HV_SSH_PORT=([lab-kvm-1]=2201 [lab-kvm-2]=2202)   # on 127.0.0.1 (host) and in the netns
NBD_PORTS=(16000 16001 16002 16003)   # direct disk transfer (both hosts share the netns's 127.0.0.1)
declare -A HV_AZ=([lab-kvm-1]=nova [lab-kvm-2]=raw)          # nova = the default zone

T0=${T0:-$(date +%s)}
LOG_TAG=${LOG_TAG:-lab}
log() { printf '[%s %4ss] %s\n' "$LOG_TAG" "$(( $(date +%s) - T0 ))" "$*"; }
die() { log "ERROR: $*" >&2; exit 1; }

# kernel start time of a pid (clock ticks since boot); fails for gone or zombie processes
proc_start() {
  local st
  st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  st=${st##*) }
  # shellcheck disable=SC2086
  set -- $st
  [ "$1" != Z ] || return 1
  echo "${20}"
}
# pid recorded for NAME if that very process still runs
alive_pid() {
  local f=$RUN/$1.pid pid start
  [ -s "$f" ] || return 1
  read -r pid start < "$f" || true
  [ -n "${pid:-}" ] && [ -n "${start:-}" ] || return 1
  [ "$(proc_start "$pid" 2>/dev/null)" = "$start" ] || return 1
  echo "$pid"
}
pid_alive() { alive_pid "$1" >/dev/null; }
record_pid() { # name pid
  local st
  st=$(proc_start "$2") || return 1
  echo "$2 $st" > "$RUN/$1.pid"
}

STARTED=()
# start_bg NAME [ENV=VAL ...] -- CMD ARGS...   (stdout/stderr -> $LOG/NAME.out)
start_bg() {
  local name=$1 envs=(); shift
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done; shift
  if pid_alive "$name"; then return 0; fi
  ( cd "$LAB_DIR" && exec env ${envs[@]+"${envs[@]}"} OPENSTACK_LAB_DIR="$LAB_DIR" setsid "$@" \
      </dev/null >>"$LOG/$name.out" 2>&1 ) &
  record_pid "$name" $! || { sleep 1; die "$name exited at once (see $LOG/$name.out)"; }
  STARTED+=("$name")
  log "$name: started (pid $!)"
}
# record a daemon that forked itself and wrote a pid file
record_pidfile() { # name pidfile timeout-seconds
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    [ -s "$2" ] && record_pid "$1" "$(tr -dc 0-9 < "$2")" && return 0
    sleep 0.1
  done
  die "$1 did not write $2"
}
started() { case " ${STARTED[*]-} " in *" $1 "*) return 0 ;; esac; return 1; }
died() { [ -n "${1:-}" ] && [ -s "$RUN/$1.pid" ] && ! pid_alive "$1"; }

# wait_until TIMEOUT NAME CMD...: poll CMD every 0.5 s; fail fast if daemon NAME died
wait_until() {
  local t=$1 name=$2 i; shift 2
  for ((i = 0; i < t * 2; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    if died "$name"; then tail -20 "$LOG/$name.out" >&2 2>/dev/null; die "$name exited (see $LOG)"; fi
    sleep 0.5
  done
  die "$name: not ready within ${t}s ($*; see $LOG)"
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
http_answers() { curl -s -o /dev/null -m 5 "$1"; }
wait_port() { wait_until "${2:-120}" "${3:-}" port_open "$1"; }
wait_http() { wait_until "${2:-120}" "${3:-}" http_answers "$1"; }

done_mark() { [ -e "$LAB_DIR/.done-$1" ]; }
mark_done() { touch "$LAB_DIR/.done-$1"; }
sql() { mariadb --no-defaults -uroot --socket="$MYSQL_SOCK" "$@"; }
ceph_() { timeout 60 ceph --conf "$CEPH_CONF" --name client.admin "$@"; }

# the anchor processes hold the namespaces of the hypervisors (see hypervisor.sh)
netns_pid() { alive_pid hv-netns; }
host_ns_pid() { alive_pid "hv-$1-ns"; }
in_netns() { nsenter --net="/proc/$(netns_pid)/ns/net" -- "$@"; }
in_host_ns() { # host cmd... : mount + uts namespace of that hypervisor, inside the shared netns
  local p; p=$(host_ns_pid "$1"); shift
  nsenter --mount="/proc/$p/ns/mnt" --uts="/proc/$p/ns/uts" --net="/proc/$p/ns/net" -- "$@"
}
virsh_on() { # host args...
  local h=$1; shift
  virsh -q -c "qemu+unix:///system?socket=$HV/$h/libvirt/run/libvirt-sock" "$@"
}
