# shellcheck shell=bash
# stop.sh: stopping exactly what up started (pid + kernel start time in $RUN/*.pid), plus
# what only those processes can have spawned: their descendants, and every process inside
# the lab's private network namespace (QEMU, SSH sessions, forwarder children).

stop_one() { # name [seconds]
  local name=$1 t=${2:-30} pid i
  pid=$(alive_pid "$name") || { rm -f "$RUN/$name.pid"; return 0; }
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < t * 10; i++)); do
    pid_alive "$name" || { log "stopped $name (pid $pid)"; rm -f "$RUN/$name.pid"; return 0; }
    sleep 0.1
  done
  log "$name (pid $pid) ignored SIGTERM for ${t}s: SIGKILL"
  local kids; mapfile -t kids < <(ps -o pid= --ppid "$pid" 2>/dev/null | tr -d ' ')
  kill -KILL "$pid" "${kids[@]}" 2>/dev/null
  sleep 0.5
  rm -f "$RUN/$name.pid"
}
stop_parallel() { # names...
  local n
  for n in "$@"; do stop_one "$n" & done
  wait
}
recorded_names() { # pid-file names matching a glob
  local f
  for f in "$RUN"/$1.pid; do [ -e "$f" ] && basename "$f" .pid; done
}

# "pid starttime" of every recorded process and all their descendants
lab_process_tree() {
  local f pid start roots=()
  for f in "$RUN"/*.pid; do
    [ -s "$f" ] || continue
    read -r pid start < "$f" || true
    [ "$(proc_start "$pid" 2>/dev/null)" = "$start" ] && roots+=("$pid")
  done
  [ ${#roots[@]} -gt 0 ] || return 0
  ps -e -o pid=,ppid= | awk -v r="${roots[*]}" '
    BEGIN { n = split(r, a, " "); for (i = 1; i <= n; i++) keep[a[i]] = 1 }
    { par[$1] = $2 }
    END { do { ch = 0; for (p in par) if (!(p in keep) && (par[p] in keep)) { keep[p] = 1; ch = 1 } } while (ch);
          for (p in keep) print p }' | while read -r pid; do
    start=$(proc_start "$pid" 2>/dev/null) && echo "$pid $start"
  done
}
# "pid starttime" of every process in the lab's network namespace (identified by inode)
netns_members() { # netns-link (e.g. net:[4026532291])
  [ -n "$1" ] || return 0
  local d pid
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    [ "$(readlink "$d/ns/net" 2>/dev/null)" = "$1" ] || continue
    echo "$pid $(proc_start "$pid" 2>/dev/null || echo gone)"
  done
}
kill_listed() { # signal < "pid starttime" lines; only if the very same process still runs
  local sig=$1 pid start n=0
  while read -r pid start; do
    [ "$(proc_start "$pid" 2>/dev/null)" = "$start" ] || continue
    kill "-$sig" "$pid" 2>/dev/null && n=$((n + 1))
  done
  echo "$n"
}
# destroy the running guests of a host (nova-compute is already stopped, so Nova still
# believes them ACTIVE and restarts them on the next up)
destroy_guests() { # host
  local h=$1 d
  pid_alive "hv-$h-libvirtd" || return 0
  for d in $(virsh_on "$h" list --name 2>/dev/null); do
    virsh_on "$h" destroy "$d" >/dev/null 2>&1 && log "destroyed $d on $h" &
  done
  wait
}
