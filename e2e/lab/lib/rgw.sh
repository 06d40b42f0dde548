# shellcheck shell=bash
# rgw.sh: Ceph's RADOS Gateway (Debian's radosgw) on the lab's Ceph: S3 on 127.0.0.1:$RGW_PORT
# with two users whose keys go to state/s3.json, and Swift under /swift/v1/AUTH_<project_id>
# authenticated by the lab's Keystone (catalog.py registers it as the object-store service).

RGW_PORT=7480
RGW_NAME=client.rgw.lab
# uid:display name of the S3 users written to s3.json (the second one: "another installation")
RGW_USERS=(backstack-s3:"Backstack lab tests" backstack-s3-other:"Backstack lab tests (other)")

# the [client.rgw.lab] section of ceph.conf (write_ceph_conf appends it)
rgw_conf() {
  cat <<CNF

[$RGW_NAME]
rgw_data = $LAB_DIR/ceph/rgw/\$cluster-\$id
rgw_frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw_thread_pool_size = 32
# Swift: Keystone tokens of users holding admin or member in their project; each project gets
# its own account (tenant = project id), reached as /swift/v1/AUTH_<project_id>
rgw_swift_url_prefix = swift
rgw_swift_account_in_url = true
rgw_keystone_url = $KS
rgw_keystone_api_version = 3
rgw_keystone_admin_user = swift
rgw_keystone_admin_password = $SERVICE_PASSWORD
rgw_keystone_admin_project = service
rgw_keystone_admin_domain = Default
rgw_keystone_accepted_roles = admin,member
rgw_keystone_implicit_tenants = swift
rgw_keystone_verify_ssl = false
rgw_s3_auth_use_keystone = false
CNF
}

# created before rgw's first start, which would give each the monitor's default of 32 PGs
RGW_POOLS=(.rgw.root default.rgw.control default.rgw.meta default.rgw.log
           default.rgw.buckets.index default.rgw.buckets.data default.rgw.buckets.non-ec)
rgw_pool() {
  ceph_ osd pool create "$1" 8 8 replicated >/dev/null 2>&1 && ceph_ osd pool application enable "$1" rgw >/dev/null 2>&1
}
rgw_pools() {
  done_mark rgw-pools && return 0
  log "rgw: creating its pools"
  local p pids=() f=0
  for p in "${RGW_POOLS[@]}"; do rgw_pool "$p" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || f=1; done
  [ $f = 0 ] || die "ceph: creating the rgw pools failed"
  mark_done rgw-pools
}
start_rgw() {
  rgw_pools
  if [ ! -s "$ETC/ceph/ceph.$RGW_NAME.keyring" ]; then
    ceph_ auth get-or-create "$RGW_NAME" mon 'allow rw' osd 'allow rwx' mgr 'allow rw' \
      -o "$ETC/ceph/ceph.$RGW_NAME.keyring"
  fi
  mkdir -p "$LAB_DIR/ceph/rgw/ceph-rgw.lab"
  start_bg rgw -- /usr/bin/radosgw --conf "$CEPH_CONF" --name "$RGW_NAME" -f
}

rgw_admin() { timeout 60 radosgw-admin --conf "$CEPH_CONF" --name client.admin "$@"; }
# "access secret" of an S3 user, created with generated keys the first time
rgw_user_keys() { # uid display-name
  local info
  info=$(rgw_admin user info --uid "$1" 2>/dev/null) ||
    info=$(rgw_admin user create --uid "$1" --display-name "$2") || die "radosgw-admin user create $1 failed"
  "$PY" -c 'import json, sys; k = json.load(sys.stdin)["keys"][0]; print(k["access_key"], k["secret_key"])' <<< "$info"
}
# rgw answers, the S3 users exist, s3.json says how to reach them
rgw_post() {
  wait_http "http://127.0.0.1:$RGW_PORT/" 240 rgw
  started rgw && log "rgw: answers on 127.0.0.1:$RGW_PORT"
  local spec uid out access secret keys=()
  for spec in "${RGW_USERS[@]}"; do
    uid=${spec%%:*}
    out=$(rgw_user_keys "$uid" "${spec#*:}")
    read -r access secret <<< "$out"
    keys+=("$uid" "$access" "$secret")
  done
  "$PY" - "$LAB_DIR/s3.json" "http://127.0.0.1:$RGW_PORT" "${keys[@]}" <<'PY'
import json, os, sys
path, endpoint, a = sys.argv[1], sys.argv[2], sys.argv[3:]
user = lambda i: {'user': a[i], 'accessKeyId': a[i + 1], 'secretAccessKey': a[i + 2]}
doc = dict(endpoint=endpoint, region='default', forcePathStyle=True, bucketPrefix='backstack-test-',
           **user(0), other=user(3))
with open(path + '.tmp', 'w') as f:
    json.dump(doc, f, indent=2)
os.chmod(path + '.tmp', 0o600)
os.replace(path + '.tmp', path)
PY
  log "rgw: S3 users ${RGW_USERS[*]%%:*} in $LAB_DIR/s3.json"
}
