# shellcheck shell=bash
# config-storage-net.sh: cinder.conf (RBD backend) and neutron.conf / ml2_conf.ini.

write_cinder_conf() {
  cat > "$ETC/cinder/cinder.conf" <<CNF
[DEFAULT]
$(common_default)
host = $HOST_NAME
my_ip = 127.0.0.1
state_path = $LAB_DIR/cinder
auth_strategy = keystone
osapi_volume_listen = 127.0.0.1
osapi_volume_listen_port = 8776
osapi_volume_workers = 1
enabled_backends = ceph
default_volume_type = __DEFAULT__
glance_api_servers = http://127.0.0.1:9292
glance_api_version = 2
image_conversion_dir = $LAB_DIR/cinder/conversion
rootwrap_config = /etc/cinder/rootwrap.conf
api_paste_config = /etc/cinder/api-paste.ini
volume_name_template = volume-%s
snapshot_name_template = snapshot-%s
allow_availability_zone_fallback = true
[database]
connection = $(db_url cinder)
[ceph]
volume_driver = cinder.volume.drivers.rbd.RBDDriver
volume_backend_name = ceph
rbd_pool = volumes
rbd_ceph_conf = $CEPH_CONF
rbd_user = cinder
rbd_secret_uuid = $RBD_SECRET_UUID
rbd_flatten_volume_from_snapshot = false
rbd_max_clone_depth = 5
rbd_store_chunk_size = 4
rados_connect_timeout = 10
report_discard_supported = true
image_volume_cache_enabled = false
$(authtoken cinder)
$(svc_auth nova cinder)
interface = public
[oslo_concurrency]
lock_path = $LAB_DIR/lock
[coordination]
backend_url = file://$LAB_DIR/lock
[oslo_messaging_notifications]
driver = noop
$(legacy_policy)
CNF
}

write_neutron_conf() {
  # agent_down_time ~10 years: the placeholder OVS agent rows (hypervisor.sh) stay "alive"
  cat > "$ETC/neutron/neutron.conf" <<CNF
[DEFAULT]
$(common_default)
host = $HOST_NAME
state_path = $LAB_DIR/neutron
bind_host = 127.0.0.1
bind_port = 9696
core_plugin = ml2
service_plugins = router
auth_strategy = keystone
api_workers = 1
rpc_workers = 1
rpc_state_report_workers = 1
allow_overlapping_ips = true
dhcp_agent_notification = false
notify_nova_on_port_status_changes = true
notify_nova_on_port_data_changes = true
agent_down_time = 315360000
api_paste_config = /etc/neutron/api-paste.ini
[database]
connection = $(db_url neutron)
$(authtoken neutron)
$(svc_auth nova neutron)
$(svc_auth placement neutron)
[oslo_concurrency]
lock_path = $LAB_DIR/lock
[agent]
root_helper = sudo neutron-rootwrap /etc/neutron/rootwrap.conf
[oslo_messaging_notifications]
driver = noop
$(legacy_policy)
CNF
  cat > "$ETC/neutron/plugins/ml2/ml2_conf.ini" <<CNF
[ml2]
type_drivers = flat,vlan,vxlan
tenant_network_types = vxlan
mechanism_drivers = openvswitch
extension_drivers = port_security
[ml2_type_flat]
flat_networks = physnet1
[ml2_type_vlan]
network_vlan_ranges = physnet1:100:199
[ml2_type_vxlan]
vni_ranges = 1000:1999
[securitygroup]
enable_security_group = true
firewall_driver = noop
CNF
}
