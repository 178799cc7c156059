#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A libpurple account signed in to a running dynamics-mock, for the demo and
# the packaging test:
#   eval "$(scripts/mock-account.sh SEED URL PURPLE_DIR)"
# writes PURPLE_DIR/accounts.xml (one prpl-omnichannel account with the
# seed's tenant, client, secret, first workstream, case queue and anonymous
# contact, auto-login in Finch and purple-headless) and prints the values as
# shell assignments: tenant client secret workstream anonymous queue.
set -euo pipefail
seed=$1 url=$2 dir=$3

field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$seed"; }
tenant=$(field "d['tenant']['id']")
client=$(field "d['application']['client_id']")
secret=$(field "d['application']['client_secret']")
workstream=$(field "d['workstreams'][0]['msdyn_liveworkstreamid']")
anonymous=$(field "d['contacts'][3]['contactid']")
queue=$(field "d['queues'][1]['queueid']")

mkdir -p "$dir"
cat >"$dir/accounts.xml" <<XML
<?xml version='1.0' encoding='UTF-8' ?>
<account version='1.0'>
 <account>
  <protocol>prpl-omnichannel</protocol>
  <name>$url</name>
  <password>$secret</password>
  <alias>Contoso (mock)</alias>
  <settings>
   <setting name='tenant_id' type='string'>$tenant</setting>
   <setting name='client_id' type='string'>$client</setting>
   <setting name='workstream_id' type='string'>$workstream</setting>
   <setting name='case_queue_id' type='string'>$queue</setting>
   <setting name='anonymous_contact_id' type='string'>$anonymous</setting>
   <setting name='authority' type='string'>$url</setting>
  </settings>
  <settings ui='gnt-purple'><setting name='auto-login' type='bool'>1</setting></settings>
  <settings ui='omnichannel-headless'><setting name='auto-login' type='bool'>1</setting></settings>
 </account>
</account>
XML

for name in tenant client secret workstream anonymous queue; do
  printf '%s=%q\n' "$name" "${!name}"
done
