#!/usr/bin/env bash
# Installs the Debian 12 packages purple-omnichannel needs to build, test and
# demo. Idempotent: does nothing when everything is present.
set -euo pipefail

packages=(
  # build
  gcc meson ninja-build pkg-config gettext python3
  libglib2.0-dev libsoup-3.0-dev libjson-glib-dev libpurple-dev
  # tests and demo; locales: the i18n suite runs the CLI and the plugin under
  # de_DE.UTF-8 (generated below)
  libglib2.0-bin appstream finch tmux locales
  # AMQP 1.0 intake (optional at build time) and its real-broker tests
  libqpid-proton11-dev rabbitmq-server
)
# fuzzing (scripts/fuzz.sh passes --fuzz): clang and its libFuzzer runtime
[ "${1:-}" = --fuzz ] && packages+=(clang libclang-rt-14-dev)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node and npm run the conformance test (tests/conformance); any install that
# provides the commands will do (Debian's packages, or NodeSource's nodejs).
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
# tests/i18n needs the German locale; Debian's locales package ships none compiled.
has_de_locale() { locale -a 2>/dev/null | grep -qiE '^de_DE\.utf-?8$'; }
[ ${#missing[@]} -eq 0 ] && has_de_locale && exit 0

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    need="${missing[*]}"
    has_de_locale || need="${need:+$need, }locale de_DE.UTF-8"
    echo "Missing: $need — run this as root or install them." >&2
    exit 1
  fi
else
  SUDO=
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if ! has_de_locale; then
  echo "Generating the locale de_DE.UTF-8"
  $SUDO localedef -i de_DE -c -f UTF-8 de_DE.UTF-8
fi
