# shellcheck shell=bash
# services.sh: database schemas, the OpenStack API/worker daemons, the Keystone catalog.

run_logged() { # name cmd... : output to $LOG/setup-NAME.log, dies on failure
  local name=$1; shift
  if ! "$@" >> "$LOG/setup-$name.log" 2>&1; then
    tail -20 "$LOG/setup-$name.log" >&2
    die "$name failed: $* (see $LOG/setup-$name.log)"
  fi
}
sync_keystone() {
  done_mark db-keystone && return 0
  local c=(keystone-manage --config-file "$ETC/keystone/keystone.conf")
  mkdir -p "$LAB_DIR/keystone/fernet-keys" "$LAB_DIR/keystone/credential-keys"
  run_logged keystone "${c[@]}" db_sync
  [ -e "$LAB_DIR/keystone/fernet-keys/0" ] || run_logged keystone "${c[@]}" fernet_setup --keystone-user root --keystone-group root
  [ -e "$LAB_DIR/keystone/credential-keys/0" ] || run_logged keystone "${c[@]}" credential_setup --keystone-user root --keystone-group root
  run_logged keystone "${c[@]}" bootstrap --bootstrap-password "$ADMIN_PASSWORD" \
    --bootstrap-username admin --bootstrap-project-name admin --bootstrap-role-name admin \
    --bootstrap-service-name keystone --bootstrap-region-id "$REGION" \
    --bootstrap-admin-url "$KS/v3" --bootstrap-internal-url "$KS/v3" --bootstrap-public-url "$KS/v3"
  mark_done db-keystone
}
sync_glance() {
  done_mark db-glance && return 0
  run_logged glance glance-manage --config-file "$ETC/glance/glance-api.conf" db_sync
  mark_done db-glance
}
sync_placement() {
  done_mark db-placement && return 0
  run_logged placement placement-manage --config-file "$ETC/placement/placement.conf" db sync
  mark_done db-placement
}
sync_nova() {
  done_mark db-nova && return 0
  local c=(nova-manage --config-file "$ETC/nova/nova.conf")
  run_logged nova "${c[@]}" api_db sync
  run_logged nova "${c[@]}" cell_v2 map_cell0 --database_connection "$(db_url nova_cell0)"
  "${c[@]}" cell_v2 list_cells 2>/dev/null | grep -q ' cell1 ' || \
    run_logged nova "${c[@]}" cell_v2 create_cell --name cell1
  run_logged nova "${c[@]}" db sync
  mark_done db-nova
}
sync_cinder() {
  done_mark db-cinder && return 0
  run_logged cinder cinder-manage --config-file "$ETC/cinder/cinder.conf" db sync
  mark_done db-cinder
}
sync_neutron() {
  done_mark db-neutron && return 0
  run_logged neutron neutron-db-manage --config-file "$ETC/neutron/neutron.conf" \
    --config-file "$ETC/neutron/plugins/ml2/ml2_conf.ini" upgrade heads
  mark_done db-neutron
}
sync_all_dbs() {
  local pids=() p f=0 s
  for s in keystone glance placement nova cinder neutron; do
    "sync_$s" & pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || f=1; done
  [ $f = 0 ] || die "a database sync failed"
}

UWSGI=(uwsgi --plugin python3 --master --die-on-term --need-app --enable-threads
       --lazy-apps --buffer-size 65535 --thunder-lock --processes 2 --threads 4
       --disable-logging --log-4xx --log-5xx --add-header 'Connection: close')
start_keystone() {
  start_bg keystone OS_KEYSTONE_CONFIG_DIR="$ETC/keystone" OS_KEYSTONE_CONFIG_FILES=keystone.conf -- \
    "${UWSGI[@]}" --procname-prefix-spaced keystone: --http-socket 127.0.0.1:5000 --wsgi-file /usr/bin/keystone-wsgi-public
  wait_http "$KS/v3" 180 keystone
}
start_api_services() {
  local n=(--config-file "$ETC/nova/nova.conf") c=(--config-file "$ETC/cinder/cinder.conf")
  start_bg glance-api -- glance-api --config-file "$ETC/glance/glance-api.conf" \
    --config-file /etc/glance/glance-image-import.conf
  start_bg placement-api OS_PLACEMENT_CONFIG_DIR="$ETC/placement" -- \
    "${UWSGI[@]}" --procname-prefix-spaced placement: --http-socket 127.0.0.1:8778 --wsgi-file /usr/bin/placement-api
  start_bg neutron-server -- neutron-server --config-file "$ETC/neutron/neutron.conf" \
    --config-file "$ETC/neutron/plugins/ml2/ml2_conf.ini"
  start_bg cinder-api -- cinder-api "${c[@]}"
  start_bg cinder-scheduler -- cinder-scheduler "${c[@]}"
  start_bg cinder-volume -- cinder-volume "${c[@]}"
  start_bg nova-api -- nova-api "${n[@]}"
  start_bg nova-conductor -- nova-conductor "${n[@]}"
  start_bg nova-scheduler -- nova-scheduler "${n[@]}"
}
wait_api_services() {
  wait_http http://127.0.0.1:9292/ 180 glance-api
  wait_http http://127.0.0.1:8778/ 180 placement-api
  wait_http http://127.0.0.1:9696/ 240 neutron-server
  wait_http http://127.0.0.1:8776/ 240 cinder-api
  wait_http http://127.0.0.1:8774/ 240 nova-api
}

# runs again whenever catalog.py changes (it only adds what is missing), so a running lab
# gains new services at its next up
register_catalog() {
  local mark; mark=catalog-$(md5sum < "$LAB_HOME/lib/catalog.py" | cut -c1-12)
  done_mark "$mark" && return 0
  KS=$KS REGION=$REGION SERVICE_PASSWORD=$SERVICE_PASSWORD ADMIN_PASSWORD=$ADMIN_PASSWORD \
    run_logged catalog "$PY" "$LAB_HOME/lib/catalog.py"
  rm -f "$LAB_DIR"/.done-catalog*
  mark_done "$mark"
}

# services restarted by this run must report to their database after UP_START_UTC
service_reported() { # db binary [host]
  local n
  n=$(sql "$1" -N -e "select count(*) from services where deleted=0 and \`binary\`='$2'
        ${3:+and host='$3'} and coalesce(updated_at, created_at) >= '$UP_START_UTC'") && [ "$n" != 0 ]
}
wait_service_reports() { # db name=binary[@host] ...
  local db=$1 spec name bin host; shift
  for spec in "$@"; do
    name=${spec%%=*}; bin=${spec#*=}; host=""
    case $bin in *@*) host=${bin#*@}; bin=${bin%@*} ;; esac
    started "$name" || continue
    wait_until 240 "$name" service_reported "$db" "$bin" "$host"
  done
}
