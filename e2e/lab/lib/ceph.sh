# shellcheck shell=bash
# ceph.sh: single-node Ceph 16: mon a, mgr x, one bluestore OSD on a 20 GiB sparse file.
# Nothing needs the kernel: librbd in user space for Cinder, Glance, QEMU and the rbd CLI.

write_ceph_conf() {
  cat > "$CEPH_CONF" <<CNF
[global]
fsid = $CEPH_FSID
mon_host = [v2:127.0.0.1:3300,v1:127.0.0.1:6789]
public_network = 127.0.0.0/8
cluster_network = 127.0.0.0/8
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_ipv4 = true
ms_bind_ipv6 = false
auth_cluster_required = cephx
auth_service_required = cephx
auth_client_required = cephx
keyring = $ETC/ceph/\$cluster.\$name.keyring
run_dir = $RUN/ceph
admin_socket = $RUN/ceph/\$cluster-\$name.asok
log_file = $LOG/ceph/\$cluster-\$name.log
crash_dir = $LAB_DIR/ceph/crash
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
mon_allow_pool_size_one = true
mon_allow_pool_delete = true
mon_warn_on_pool_no_redundancy = false
mon_data_avail_warn = 2
mon_data_avail_crit = 1
mon_max_pg_per_osd = 500
auth_allow_insecure_global_id_reclaim = false
mon_warn_on_insecure_global_id_reclaim_allowed = false
rbd_default_features = 61

[mon]
mon_data = $LAB_DIR/ceph/mon/\$cluster-\$id
mgr_initial_modules = iostat

[mgr]
mgr_data = $LAB_DIR/ceph/mgr/\$cluster-\$id
keyring = \$mgr_data/keyring

[osd]
osd_data = $LAB_DIR/ceph/osd/\$cluster-\$id
keyring = \$osd_data/keyring
osd_objectstore = bluestore
bluestore_block_create = true
bluestore_block_size = 21474836480
bluestore_fsck_on_mount = false
osd_memory_target = 1073741824
osd_op_num_shards = 2
osd_op_num_threads_per_shard = 1
$(rgw_conf)
CNF
}

create_mon() {
  local K=$ETC/ceph
  [ -e "$LAB_DIR/ceph/mon/ceph-a/done" ] && return 0
  log "ceph: creating monitor"
  rm -rf "$LAB_DIR/ceph/mon/ceph-a"; mkdir -p "$LAB_DIR/ceph/mon/ceph-a"
  [ -s "$K/ceph.client.admin.keyring" ] || ceph-authtool --create-keyring "$K/ceph.client.admin.keyring" --gen-key -n client.admin \
      --cap mon 'allow *' --cap osd 'allow *' --cap mds 'allow *' --cap mgr 'allow *' >/dev/null
  ceph-authtool --create-keyring "$K/ceph.mon.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$K/ceph.mon.keyring" --import-keyring "$K/ceph.client.admin.keyring" >/dev/null
  monmaptool --create --fsid "$CEPH_FSID" --addv a '[v2:127.0.0.1:3300,v1:127.0.0.1:6789]' "$LAB_DIR/ceph/monmap" >/dev/null
  ceph-mon --conf "$CEPH_CONF" --mkfs -i a --monmap "$LAB_DIR/ceph/monmap" --keyring "$K/ceph.mon.keyring"
  touch "$LAB_DIR/ceph/mon/ceph-a/done"
}
create_osd() {
  local od=$LAB_DIR/ceph/osd/ceph-0 uuid secret id
  [ -e "$od/done" ] && return 0
  log "ceph: creating bluestore OSD 0 (20 GiB sparse file)"
  rm -rf "$od"; mkdir -p "$od"
  uuid=$(uuidgen); secret=$(ceph-authtool --gen-print-key)
  ceph_ osd purge 0 --yes-i-really-mean-it >/dev/null 2>&1 || true   # leftovers of an interrupted run
  id=$(echo "{\"cephx_secret\": \"$secret\"}" | ceph_ osd new "$uuid" 0 -i -)
  [ "$id" = 0 ] || die "ceph osd new returned '$id'"
  printf '[osd.0]\n\tkey = %s\n' "$secret" > "$od/keyring"
  ceph-osd --conf "$CEPH_CONF" -i 0 --mkfs --osd-uuid "$uuid" --key "$secret" > "$LOG/ceph/osd-mkfs.log" 2>&1 \
    || die "ceph-osd --mkfs failed, see $LOG/ceph/osd-mkfs.log"
  touch "$od/done"
}
start_ceph() {
  write_ceph_conf
  mkdir -p "$LAB_DIR/ceph/crash"
  create_mon
  start_bg ceph-mon -- /usr/bin/ceph-mon --conf "$CEPH_CONF" -i a -f --public-addr 127.0.0.1
  wait_port 3300 60 ceph-mon
  wait_until 60 ceph-mon ceph_ -s
  if [ ! -s "$LAB_DIR/ceph/mgr/ceph-x/keyring" ]; then
    mkdir -p "$LAB_DIR/ceph/mgr/ceph-x"
    ceph_ auth get-or-create mgr.x mon 'allow profile mgr' osd 'allow *' mds 'allow *' \
      -o "$LAB_DIR/ceph/mgr/ceph-x/keyring"
  fi
  start_bg ceph-mgr -- /usr/bin/ceph-mgr --conf "$CEPH_CONF" -i x -f
  create_osd
  start_bg ceph-osd -- /usr/bin/ceph-osd --conf "$CEPH_CONF" -i 0 -f
}
osd_up() { ceph_ osd stat -f json 2>/dev/null | grep -q '"num_up_osds":1'; }
# pools and client keys, once the OSD is up
ceph_post() {
  wait_until 120 ceph-osd osd_up
  done_mark ceph-pools && return 0
  log "ceph: creating pools volumes/images and client keys"
  ceph_ osd set-require-min-compat-client mimic >/dev/null 2>&1   # lets cinder use RBD clone v2
  ceph_ osd pool create volumes 32 32 replicated >/dev/null 2>&1
  ceph_ osd pool create images 16 16 replicated >/dev/null 2>&1
  ceph_ osd pool set volumes size 1 --yes-i-really-mean-it >/dev/null 2>&1 || true
  ceph_ osd pool set images size 1 --yes-i-really-mean-it >/dev/null 2>&1 || true
  timeout 60 rbd --conf "$CEPH_CONF" --id admin pool init volumes
  timeout 60 rbd --conf "$CEPH_CONF" --id admin pool init images
  ceph_ auth get-or-create client.cinder mon 'profile rbd' \
    osd 'profile rbd pool=volumes, profile rbd pool=images' mgr 'profile rbd pool=volumes' \
    -o "$ETC/ceph/ceph.client.cinder.keyring"
  ceph_ auth get-or-create client.glance mon 'profile rbd' \
    osd 'profile rbd pool=images' mgr 'profile rbd pool=images' \
    -o "$ETC/ceph/ceph.client.glance.keyring"
  mark_done ceph-pools
}
