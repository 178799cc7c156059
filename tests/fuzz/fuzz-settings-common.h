/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Settings every target that needs them uses: valid in every field, with a
 * client secret that no message may contain. */
#pragma once

#include "fuzz-common.h"
#include "oc-settings.h"

#define FUZZ_CLIENT_SECRET "Fz8~client-secret-VALUE-never-shown"

static inline OcSettings *
fuzz_settings_new (void)
{
  OcSettings *settings = oc_settings_new ();
  settings->environment = g_strdup ("https://contoso.crm.dynamics.com");
  settings->tenant_id = g_strdup ("11111111-2222-4333-8444-555555555555");
  settings->client_id = g_strdup ("66666666-7777-4888-9999-aaaaaaaaaaaa");
  settings->client_secret = g_strdup (FUZZ_CLIENT_SECRET);
  settings->workstream_id = g_strdup ("77777777-8888-4999-aaaa-bbbbbbbbbbbb");
  return settings;
}
