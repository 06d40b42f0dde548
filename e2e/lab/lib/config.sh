# shellcheck shell=bash
# config.sh: OpenStack configuration files, regenerated into $ETC on every up.
# Only the packages' api-paste.ini / rootwrap.conf files in /etc are read.

authtoken() { # service-user-name
  cat <<CNF
[keystone_authtoken]
www_authenticate_uri = $KS/v3
auth_url = $KS/v3
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $1
password = $SERVICE_PASSWORD
region_name = $REGION
service_token_roles = service
service_token_roles_required = true
memcached_servers =
CNF
}
svc_auth() { # section user
  cat <<CNF
[$1]
auth_url = $KS/v3
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = $2
password = $SERVICE_PASSWORD
region_name = $REGION
CNF
}
common_default() {
  cat <<CNF
debug = false
graceful_shutdown_timeout = 10
log_dir = $LOG
use_stderr = false
transport_url = rabbit://$RABBIT_USER:$RABBIT_PASSWORD@127.0.0.1:5672/
CNF
}
legacy_policy() {
  printf '[oslo_policy]\nenforce_scope = false\nenforce_new_defaults = false\n'
}

write_keystone_conf() {
  # enable_proxy_headers_parsing: behind the TLS proxy on :5001 Keystone builds https links
  cat > "$ETC/keystone/keystone.conf" <<CNF
[DEFAULT]
debug = false
log_file = $LOG/keystone.log
use_stderr = false
[database]
connection = $(db_url keystone)
[token]
provider = fernet
expiration = 86400
[fernet_tokens]
key_repository = $LAB_DIR/keystone/fernet-keys
[fernet_receipts]
key_repository = $LAB_DIR/keystone/fernet-keys
[credential]
key_repository = $LAB_DIR/keystone/credential-keys
[identity]
domain_specific_drivers_enabled = false
[oslo_middleware]
enable_proxy_headers_parsing = true
$(legacy_policy)
CNF
}

write_glance_conf() {
  cat > "$ETC/glance/glance-api.conf" <<CNF
[DEFAULT]
$(common_default)
log_file = $LOG/glance-api.log
bind_host = 127.0.0.1
bind_port = 9292
workers = 1
enabled_backends = file:file, rbd:rbd
show_image_direct_url = true
show_multiple_locations = false
image_cache_dir = $LAB_DIR/glance/image-cache
enabled_import_methods = [glance-direct,web-download,copy-image]
[database]
connection = $(db_url glance)
[glance_store]
default_backend = file
[file]
filesystem_store_datadir = $LAB_DIR/glance/images
store_description = Local file store
[rbd]
rbd_store_pool = images
rbd_store_user = glance
rbd_store_ceph_conf = $CEPH_CONF
rbd_store_chunk_size = 8
store_description = Ceph RBD pool 'images'
[os_glance_staging_store]
filesystem_store_datadir = $LAB_DIR/glance/staging
[os_glance_tasks_store]
filesystem_store_datadir = $LAB_DIR/glance/tasks
$(authtoken glance)
[paste_deploy]
flavor = keystone
config_file = /etc/glance/glance-api-paste.ini
[oslo_concurrency]
lock_path = $LAB_DIR/lock
$(legacy_policy)
CNF
}

write_placement_conf() {
  cat > "$ETC/placement/placement.conf" <<CNF
[DEFAULT]
debug = false
log_file = $LOG/placement-api.log
use_stderr = false
[api]
auth_strategy = keystone
[placement_database]
connection = $(db_url placement)
$(authtoken placement)
$(legacy_policy)
CNF
}

# nova.conf of the control services; each compute host adds its own file (hypervisor.sh)
write_nova_conf() {
  cat > "$ETC/nova/nova.conf" <<CNF
[DEFAULT]
$(common_default)
host = $HOST_NAME
my_ip = 127.0.0.1
state_path = $LAB_DIR/nova
enabled_apis = osapi_compute
osapi_compute_listen = 127.0.0.1
osapi_compute_listen_port = 8774
osapi_compute_workers = 1
metadata_listen = 127.0.0.1
metadata_workers = 1
# servers without a zone go to lab-kvm-1 (zone nova); lab-kvm-2 is zone "raw"
default_schedule_zone = nova
default_availability_zone = nova
vif_plugging_is_fatal = false
vif_plugging_timeout = 0
allow_resize_to_same_host = true
rootwrap_config = /etc/nova/rootwrap.conf
[api]
auth_strategy = keystone
[api_database]
connection = $(db_url nova_api)
[database]
connection = $(db_url nova)
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = 60
[filter_scheduler]
enabled_filters = AvailabilityZoneFilter,ComputeFilter,ComputeCapabilitiesFilter,ImagePropertiesFilter,ServerGroupAntiAffinityFilter,ServerGroupAffinityFilter
$(authtoken nova)
$(svc_auth placement nova)
$(svc_auth neutron nova)
service_metadata_proxy = false
$(svc_auth cinder nova)
os_region_name = $REGION
catalog_info = volumev3::publicURL
[glance]
region_name = $REGION
$(svc_auth service_user nova)
send_service_user_token = true
[oslo_concurrency]
lock_path = $LAB_DIR/lock
[vnc]
enabled = false
[spice]
enabled = false
[serial_console]
enabled = false
[oslo_messaging_notifications]
driver = noop
$(legacy_policy)
CNF
}

write_configs() {
  write_keystone_conf
  write_glance_conf
  write_placement_conf
  write_nova_conf
  write_cinder_conf
  write_neutron_conf
}
