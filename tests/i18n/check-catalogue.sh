#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every message of the sources is translated in po/de.po: the template is
# extracted afresh from po/POTFILES.in (the arguments of meson's "glib"
# preset, as `ninja purple-omnichannel-pot` uses), merged into a copy of
# de.po, and `msgfmt -c --statistics` must report no untranslated and no
# fuzzy message (and no format or header error). A string added to src/
# without a German translation fails here.
#   check-catalogue.sh SOURCE_ROOT [LANG…]   (default: every language of po/LINGUAS)
set -u
root=${1:?usage: check-catalogue.sh SOURCE_ROOT [LANG…]}
shift
cd "$root" || exit 1
langs=${*:-$(grep -v '^[[:space:]]*#' po/LINGUAS)}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

grep -v '^[[:space:]]*#' po/POTFILES.in | sed '/^[[:space:]]*$/d' > "$tmp/files"
xgettext --package-name=purple-omnichannel --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dcgettext:2 \
  --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --flag=g_markup_printf_escaped:1:c-format --flag=g_printf:1:c-format \
  --flag=g_fprintf:2:c-format --flag=g_snprintf:3:c-format \
  --files-from="$tmp/files" --output="$tmp/template.pot" || exit 1
echo "template: $(grep -c '^msgid ' "$tmp/template.pot") messages (header included)"

status=0
for lang in $langs; do
  msgmerge --quiet --no-fuzzy-matching --output-file="$tmp/$lang.po" "po/$lang.po" "$tmp/template.pot" || exit 1
  stats=$(LC_ALL=C msgfmt --check --statistics --output-file=/dev/null "$tmp/$lang.po" 2>&1) || {
    echo "$lang: msgfmt -c failed:"; echo "$stats"; status=1; continue; }
  echo "$lang: $stats"
  case "$stats" in
    *untranslated*|*fuzzy*)
      echo "$lang: these messages need a translation in po/$lang.po:"
      { msgattrib --untranslated "$tmp/$lang.po"; msgattrib --only-fuzzy "$tmp/$lang.po"; } \
        | grep -E '^(msgid|#:)' | grep -v '^msgid ""$'
      status=1 ;;
  esac
done
exit $status
