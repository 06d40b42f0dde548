# shellcheck shell=bash
# infra.sh: MariaDB (unix socket only) and RabbitMQ (127.0.0.1:5672), each with its own epmd.

make_dirs() {
  mkdir -p "$ETC"/{keystone,glance,placement,nova,cinder,neutron/plugins/ml2,ceph,rabbitmq,mysql,nginx,tls} \
           "$LOG"/ceph "$RUN"/ceph "$LAB_DIR"/{mysql,rabbitmq,keystone,glance/images,glance/staging,glance/tasks} \
           "$LAB_DIR"/{nova,cinder/conversion,neutron,placement,tmp,lock,keys} "$LAB_DIR"/ceph/{mon,mgr,osd} "$HV"
  # unix sockets live under LAB_DIR (the longest: hv/lab-kvm-1/libvirt/run/libvirt-sock); limit 107
  [ ${#LAB_DIR} -le 70 ] || die "LAB_DIR is too long for the unix socket paths under it (max 70 characters): $LAB_DIR"
  if [ ! -s "$ETC/lab.ids" ]; then
    cat > "$ETC/lab.ids" <<IDS
CEPH_FSID=$(uuidgen)
RBD_SECRET_UUID=$(uuidgen)
IDS
  fi
  # the admin password is fixed when the lab is first created
  grep -q '^ADMIN_PASSWORD=' "$ETC/lab.ids" || printf 'ADMIN_PASSWORD=%q\n' "${LAB_ADMIN_PASSWORD:-admin-secret}" >> "$ETC/lab.ids"
  # shellcheck disable=SC1091
  . "$ETC/lab.ids"
}

start_mariadb() {
  cat > "$ETC/mysql/my.cnf" <<CNF
[mysqld]
datadir = $LAB_DIR/mysql
socket = $MYSQL_SOCK
pid-file = $RUN/mariadbd.pidfile
log-error = $LOG/mariadb.log
skip-networking
user = root
innodb_buffer_pool_size = 128M
innodb_log_file_size = 64M
innodb_flush_log_at_trx_commit = 2
max_connections = 1000
performance_schema = OFF
skip-name-resolve
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
CNF
  if [ ! -d "$LAB_DIR/mysql/mysql" ]; then
    log "mariadb: initialising datadir"
    mariadb-install-db --defaults-file="$ETC/mysql/my.cnf" --user=root \
      --auth-root-authentication-method=socket --skip-test-db > "$LOG/mariadb-install.log" 2>&1 \
      || die "mariadb-install-db failed, see $LOG/mariadb-install.log"
  fi
  start_bg mariadb -- /usr/sbin/mariadbd --defaults-file="$ETC/mysql/my.cnf"
  wait_until 60 mariadb sql -e 'select 1'
  if ! done_mark dbuser; then
    sql <<SQL
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'localhost';
FLUSH PRIVILEGES;
SQL
    mark_done dbuser
  fi
  local d
  for d in keystone glance placement nova_api nova nova_cell0 cinder neutron; do
    sql -e "CREATE DATABASE IF NOT EXISTS \`$d\` CHARACTER SET utf8 COLLATE utf8_general_ci"
  done
}
db_url() { echo "mysql+pymysql://$DB_USER:$DB_PASSWORD@localhost/$1?unix_socket=$MYSQL_SOCK&charset=utf8"; }

rabbit_env() {
  RABBIT_ENV=(
    HOME="$LAB_DIR/rabbitmq"
    RABBITMQ_NODENAME=rabbit@localhost
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=5672
    RABBITMQ_DIST_PORT=25672
    RABBITMQ_CONF_ENV_FILE="$ETC/rabbitmq/rabbitmq-env.conf"
    RABBITMQ_CONFIG_FILE="$ETC/rabbitmq/rabbitmq"
    RABBITMQ_ADVANCED_CONFIG_FILE="$ETC/rabbitmq/advanced.config"
    RABBITMQ_ENABLED_PLUGINS_FILE="$ETC/rabbitmq/enabled_plugins"
    RABBITMQ_MNESIA_BASE="$LAB_DIR/rabbitmq/mnesia"
    RABBITMQ_LOG_BASE="$LOG/rabbitmq"
    RABBITMQ_PID_FILE="$RUN/rabbitmq.pidfile"
    ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT=4369
    "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}"
    "RABBITMQ_CTL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}"
  )
}
start_rabbitmq() {
  rabbit_env
  mkdir -p "$LOG/rabbitmq" "$LAB_DIR/rabbitmq/mnesia"
  : > "$ETC/rabbitmq/rabbitmq-env.conf"
  echo '[].' > "$ETC/rabbitmq/enabled_plugins"
  echo '[].' > "$ETC/rabbitmq/advanced.config"
  cat > "$ETC/rabbitmq/rabbitmq.conf" <<CNF
listeners.tcp.default = 127.0.0.1:5672
loopback_users = none
default_user = $RABBIT_USER
default_pass = $RABBIT_PASSWORD
default_vhost = /
vm_memory_high_watermark.absolute = 1GB
disk_free_limit.absolute = 200MB
log.file.level = warning
CNF
  if [ ! -s "$LAB_DIR/rabbitmq/.erlang.cookie" ]; then
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$LAB_DIR/rabbitmq/.erlang.cookie"
    chmod 400 "$LAB_DIR/rabbitmq/.erlang.cookie"
  fi
  # our own epmd, bound to loopback, so down can stop it by pid
  start_bg epmd "${RABBIT_ENV[@]}" -- /usr/bin/epmd -address 127.0.0.1 -port 4369
  wait_port 4369 30 epmd
  start_bg rabbitmq "${RABBIT_ENV[@]}" -- /usr/lib/rabbitmq/bin/rabbitmq-server
}
# the wrapper script forks beam.smp; down stops beam by this pid
record_rabbit_beam() {
  wait_port 5672 180 rabbitmq
  pid_alive rabbitmq-beam || record_pidfile rabbitmq-beam "$RUN/rabbitmq.pidfile" 60
}
