#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A RabbitMQ broker of the test's own, with the rabbitmq_amqp1_0 plugin, on
# free loopback ports and in its own directory:
#   broker.sh start DIR   → prints AMQP_PORT=N once the AMQP 1.0 listener answers;
#       with DIR/tls/cert.pem and DIR/tls/key.pem (made by the caller) also a
#       TLS listener with that certificate, and prints AMQPS_PORT=N after it
#   broker.sh ctl DIR ARGS…  (rabbitmqctl against that node)
#   broker.sh stop DIR
# Exit 77 from start when no broker can be run here (not installed, or it
# does not come up), so that the calling test is skipped, never passed.
# The broker runs as the calling user (the Debian wrapper in /usr/sbin would
# switch to the rabbitmq user, whose files these are not); HOME points into
# DIR so that the Erlang cookie is this node's own.
set -euo pipefail
cmd=$1 dir=$2; shift 2
bin=/usr/lib/rabbitmq/bin

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

env_of() {
  # shellcheck disable=SC1091
  source "$dir/env"
  export HOME="$dir/home" RABBITMQ_NODENAME RABBITMQ_NODE_PORT RABBITMQ_DIST_PORT ERL_EPMD_PORT \
         RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" \
         RABBITMQ_FEATURE_FLAGS_FILE="$dir/feature_flags" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
         RABBITMQ_PLUGINS_EXPAND_DIR="$dir/plugins-expand" RABBITMQ_PID_FILE="$dir/pid" \
         RABBITMQ_CONFIG_FILE="$dir/rabbitmq" RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config" \
         RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf"
}

case $cmd in
start)
  if [ ! -x "$bin/rabbitmq-server" ] || ! ls /usr/lib/rabbitmq/lib/*/plugins/rabbitmq_amqp1_0-* >/dev/null 2>&1; then
    echo "rabbitmq-server with rabbitmq_amqp1_0 is not installed (scripts/deps.sh installs it)" >&2
    exit 77
  fi
  mkdir -p "$dir/home" "$dir/mnesia" "$dir/log"
  chmod 700 "$dir/home"
  cat >"$dir/env" <<ENV
RABBITMQ_NODENAME=octest$$@localhost
RABBITMQ_NODE_PORT=$(free_port)
RABBITMQ_DIST_PORT=$(free_port)
ERL_EPMD_PORT=$(free_port)
ENV
  echo '[rabbitmq_amqp1_0].' >"$dir/enabled_plugins"
  # guest may sign in from loopback (the default); ANONYMOUS maps to guest.
  printf 'loopback_users.guest = true\namqp1_0.default_user = guest\nlog.console = false\nlog.file.level = warning\n' >"$dir/rabbitmq.conf"
  if [ -f "$dir/tls/cert.pem" ] && [ -f "$dir/tls/key.pem" ]; then
    echo "AMQPS_PORT=$(free_port)" >>"$dir/env"
    # shellcheck disable=SC1091
    source "$dir/env"
    printf 'listeners.ssl.default = %s\nssl_options.cacertfile = %s\nssl_options.certfile = %s\nssl_options.keyfile = %s\nssl_options.verify = verify_none\nssl_options.fail_if_no_peer_cert = false\n' \
      "$AMQPS_PORT" "$dir/tls/cert.pem" "$dir/tls/cert.pem" "$dir/tls/key.pem" >>"$dir/rabbitmq.conf"
  fi
  echo '[].' >"$dir/advanced.config"
  : >"$dir/rabbitmq-env.conf"
  env_of
  setsid "$bin/rabbitmq-server" >"$dir/server.out" 2>&1 </dev/null &
  echo $! >"$dir/server.pid"
  for _ in $(seq 1 120); do
    if "$bin/rabbitmqctl" -q await_startup --timeout 1 >/dev/null 2>&1 &&
       python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$RABBITMQ_NODE_PORT),1)" 2>/dev/null; then
      echo "AMQP_PORT=$RABBITMQ_NODE_PORT"
      [ -n "${AMQPS_PORT:-}" ] && echo "AMQPS_PORT=$AMQPS_PORT"
      exit 0
    fi
    if ! kill -0 "$(cat "$dir/server.pid")" 2>/dev/null; then break; fi
    sleep 0.5
  done
  echo "the broker did not start; its output:" >&2
  tail -20 "$dir/server.out" >&2 || true
  "$0" stop "$dir" || true
  exit 77
  ;;
ctl)
  env_of
  exec "$bin/rabbitmqctl" -q "$@"
  ;;
stop)
  [ -f "$dir/env" ] || exit 0
  env_of
  "$bin/rabbitmqctl" -q stop >/dev/null 2>&1 || true
  if [ -f "$dir/server.pid" ]; then
    pid=$(cat "$dir/server.pid")
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -- -"$pid" 2>/dev/null || true
  fi
  # this node's own epmd (on its own port) goes too
  epmd=$(command -v epmd || ls /usr/lib/erlang/erts-*/bin/epmd 2>/dev/null | head -1 || true)
  [ -n "$epmd" ] && "$epmd" -port "$ERL_EPMD_PORT" -kill >/dev/null 2>&1 || true
  ;;
esac
