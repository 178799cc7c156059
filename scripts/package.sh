#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the Debian packages purple-omnichannel, omnichannel-cli and
# dynamics-mock from a clean copy of this tree (the files git tracks, plus
# new ones it does not ignore) with dpkg-buildpackage -us -uc -b, then runs
# lintian --fail-on error,warning on them and on the source package.
# Installs what it needs with apt (devscripts, equivs, lintian, the build
# dependencies): run it as root or with sudo.
#
#   scripts/package.sh          build and lint; the .debs land in build-deb/
#   scripts/package.sh --test   then install them, try them, purge them
#                               (tests/packaging/install-test.sh)
#
# Prints TAP lines ("ok - …", "not ok - …") and a plan, kept in
# build-deb/results.tap for scripts/count-results.py; exits 1 on a failure.
# Logs: build-deb/build.log, build-deb/lintian.txt.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
root=$PWD
source tests/packaging/tap.sh

run_install_test=
case "${1:-}" in
  --test) run_install_test=1 ;;
  "") ;;
  *) echo "usage: scripts/package.sh [--test]" >&2; exit 2 ;;
esac

out=$root/build-deb
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

apt_install() {
  $SUDO apt-get install -y -qq --no-install-recommends "$@" >>"$out/build.log" 2>&1 ||
    { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "$@"; } >>"$out/build.log" 2>&1
}

meson_version() {
  meson introspect --projectinfo meson.build | python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])'
}

# The version has one source, meson.build's project(); the changelog and the
# AppStream metainfo must carry it. Fails loudly, before anything is built.
check_versions() {
  local version changelog metainfo
  version=$(meson_version) || { tap_result 1 "meson.build has a project() version"; return 1; }
  changelog=$(dpkg-parsechangelog -S Version)
  tap_run "debian/changelog $changelog is meson.build's version $version" \
    make -s -f debian/rules check-version || return 1
  metainfo=$(python3 -c 'import sys, xml.etree.ElementTree as E
r = E.parse(sys.argv[1]).getroot().find("releases/release")
print(r.get("version") if r is not None else "")' data/io.github.purple_omnichannel.metainfo.xml)
  tap_result "$([ "$metainfo" = "$version" ]; echo $?)" \
    "the AppStream metainfo's newest release ${metainfo:-(none)} is meson.build's version $version" || return 1
  return 0
}

# The clean copy: what git knows of the working tree, no build directories.
clean_copy() {
  local dest=$1
  mkdir -p "$dest"
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard |
      while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
      tar --null -T - -cf - | tar -C "$dest" -xf -
  else
    tar --exclude='./build*' --exclude=./_build --exclude=./.git -cf - . | tar -C "$dest" -xf -
  fi
}

package() {
  check_versions || {
    echo "# VERSION MISMATCH: fix it before packaging (meson.build's project() version is the source)" >&2
    return 1
  }
  local version debversion src
  version=$(meson_version)
  debversion=$(dpkg-parsechangelog -S Version)
  src=$out/src/purple-omnichannel-$version

  local tools=()
  for p in devscripts equivs lintian dpkg-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || tools+=("$p")
  done
  if [ ${#tools[@]} -gt 0 ]; then
    tap_run "apt-get install ${tools[*]}" apt_install "${tools[@]}" || return 1
  fi

  tap_run "a clean copy of the tree in ${src#"$root"/}" clean_copy "$src" || return 1
  # The upstream tarball a 3.0 (quilt) source package needs: the tree
  # without debian/, as a release would be.
  tar -C "$out/src" --sort=name --owner=0 --group=0 --numeric-owner \
    --mtime="@$(dpkg-parsechangelog -S Timestamp)" --exclude="purple-omnichannel-$version/debian" \
    -cJf "$out/src/purple-omnichannel_$version.orig.tar.xz" "purple-omnichannel-$version"

  if ! (cd "$src" && dpkg-checkbuilddeps >/dev/null 2>&1); then
    # mk-build-deps leaves its own .changes and .buildinfo: a directory of its own.
    mkdir -p "$out/build-deps"
    tap_run "build dependencies installed (mk-build-deps)" bash -c "
      cd '$out/build-deps' && $SUDO mk-build-deps --install --remove \
        --tool 'apt-get -y -qq --no-install-recommends' '$src/debian/control'" || return 1
    rm -rf "$out/build-deps"
  fi

  # The source package first, from the pristine copy (lintian checks its
  # debian/ too: watch, copyright, tests/control).
  tap_run "dpkg-source -b (source package $debversion)" \
    bash -c "cd '$out/src' && dpkg-source -b 'purple-omnichannel-$version'" || return 1

  echo "# dpkg-buildpackage -us -uc -b (log: ${out#"$root"/}/build.log)" >&2
  (cd "$src" && DEB_BUILD_OPTIONS="parallel=2 ${DEB_BUILD_OPTIONS:-}" dpkg-buildpackage -us -uc -b) \
    >>"$out/build.log" 2>&1
  tap_result $? "dpkg-buildpackage -us -uc -b" "$out/build.log" || return 1

  # Only the results stay: the packages, the source package and the build
  # records. The build tree goes, so nothing installed can find its way back
  # into it.
  mv "$out/src"/*.deb "$out/src"/*.changes "$out/src"/*.buildinfo "$out/src"/*.dsc \
     "$out/src"/*.orig.tar.xz "$out/src"/*.debian.tar.xz "$out/"
  rm -rf "$out/src"

  local changes deb
  changes=$out/purple-omnichannel_${debversion}_$(dpkg-architecture -qDEB_HOST_ARCH).changes
  for deb in purple-omnichannel omnichannel-cli dynamics-mock; do
    tap_result "$(ls "$out/${deb}_${debversion}_"*.deb >/dev/null 2>&1; echo $?)" "built $deb ${debversion}"
  done

  lintian --fail-on error,warning --display-info "$changes" "$out/purple-omnichannel_$debversion.dsc" >"$out/lintian.txt" 2>&1
  local lint=$?
  sed 's/^/# lintian: /' "$out/lintian.txt"
  tap_result $lint "lintian --fail-on error,warning (binary and source packages)" || return 1

  if [ -n "$run_install_test" ]; then
    bash tests/packaging/install-test.sh \
      "$out"/{purple-omnichannel,omnichannel-cli,dynamics-mock}_"${debversion}"_*.deb
  fi
}

rm -rf "$out"
mkdir -p "$out"
tap_main "$out/results.tap.part" package
status=$?
mv "$out/results.tap.part" "$out/results.tap"
exit $status
