#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the built packages into this machine with apt, checks them as a
# user has them (check-installed.sh), purges them and checks that nothing is
# left behind: every path dpkg -L listed is gone (or still belongs to another
# package), and libpurple's plugindir holds what it held before.
#   tests/packaging/install-test.sh build-deb/*.deb
# Root (or sudo) and apt; changes the machine, so it is not part of the meson
# suites: scripts/package.sh --test runs it. Prints TAP; exits 1 on a failure.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
source tests/packaging/tap.sh

debs=()
for deb in "$@"; do debs+=("$(realpath "$deb")"); done
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -qE 'installed|config-files|half'; }

install_test() {
  if [ ${#debs[@]} -eq 0 ]; then
    tap_result 1 "packages to install given (usage: install-test.sh FILE.deb...)"
    return 1
  fi
  local tmp packages=() deb
  tmp=$(mktemp -d)
  for deb in "${debs[@]}"; do packages+=("$(dpkg-deb -f "$deb" Package)"); done

  local leftover=()
  for p in "${packages[@]}"; do installed "$p" && leftover+=("$p"); done
  if [ ${#leftover[@]} -gt 0 ]; then
    echo "# purging ${leftover[*]}, installed before this test"
    $SUDO apt-get purge -y -qq "${leftover[@]}" >/dev/null 2>&1
  fi

  local plugindir
  plugindir=$(pkg-config --variable=plugindir purple 2>/dev/null) ||
    plugindir=/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/purple-2
  ls -A "$plugindir" 2>/dev/null | sort >"$tmp/plugindir.before"

  tap_run "apt-get install ${debs[*]##*/}" $SUDO apt-get install -y --no-install-recommends "${debs[@]}" || return 1
  local p version
  for p in "${packages[@]}"; do
    dpkg -L "$p" >"$tmp/$p.list"
    version=$(dpkg-deb -f "$(printf '%s\n' "${debs[@]}" | grep "/${p}_")" Version)
    tap_result "$(dpkg-query -W -f='${Status} ${Version}' "$p" | grep -qx "install ok installed $version"; echo $?)" \
      "$p $version is installed"
  done

  TAP_NESTED=1 bash tests/packaging/check-installed.sh

  tap_run "apt-get purge ${packages[*]}" $SUDO apt-get purge -y "${packages[@]}"
  for p in "${packages[@]}"; do
    tap_result "$(installed "$p"; [ $? -ne 0 ]; echo $?)" "$p is purged (no files, no configuration)"
    local left="$tmp/$p.left"
    : >"$left"
    while IFS= read -r path; do
      [ "$path" = "/." ] && continue
      # A directory the package listed that is now a link to a directory is
      # the system's merged-/usr link (/lib -> usr/lib), which predates it.
      [ -L "$path" ] && [ -d "$path" ] && [ "$(dirname "$path")" = / ] && continue
      if [ -d "$path" ] && [ ! -L "$path" ]; then
        # A directory may stay when another package still has it.
        dpkg-query -S "$path" >/dev/null 2>&1 || echo "$path (directory, no package owns it)" >>"$left"
      elif [ -e "$path" ] || [ -L "$path" ]; then
        echo "$path" >>"$left"
      fi
    done <"$tmp/$p.list"
    tap_result "$([ ! -s "$left" ]; echo $?)" \
      "nothing of $p is left ($(wc -l <"$tmp/$p.list") paths of dpkg -L checked)" "$left"
  done
  ls -A "$plugindir" 2>/dev/null | sort >"$tmp/plugindir.after"
  diff "$tmp/plugindir.before" "$tmp/plugindir.after" >"$tmp/plugindir.diff"
  tap_result $? "no stray files in $plugindir" "$tmp/plugindir.diff"
  rm -rf "$tmp"
}

tap_main "" install_test
