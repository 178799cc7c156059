/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-uuid.h"

#include <string.h>

#include "oc-guid.h"

/* Fixed forever: changing it would give every session a new record id and
 * break exactly-once for handoffs that are pending across an upgrade. */
#define OC_UUID_NAMESPACE "3c1a7a52-5f0e-4c1e-9a8e-6f6d6e696368"

static gboolean
guid_to_bytes (const char *canonical, guint8 out[16])
{
  gsize n = 0;
  for (const char *p = canonical; *p != '\0'; p++)
    {
      if (*p == '-')
        continue;
      if (n >= 32 || !g_ascii_isxdigit (p[0]) || !g_ascii_isxdigit (p[1]))
        return FALSE;
      out[n / 2] = (guint8) (g_ascii_xdigit_value (p[0]) << 4 | g_ascii_xdigit_value (p[1]));
      n += 2;
      p++;
    }
  return n == 32;
}

char *
oc_uuid_v5 (const char *namespace_uuid, const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  g_autofree char *ns = oc_guid_normalize (namespace_uuid);
  guint8 ns_bytes[16];
  if (ns == NULL || !guid_to_bytes (ns, ns_bytes))
    return NULL;

  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  g_checksum_update (sha1, ns_bytes, sizeof ns_bytes);
  g_checksum_update (sha1, (const guchar *) name, strlen (name));

  guint8 digest[20];
  gsize digest_len = sizeof digest;
  g_checksum_get_digest (sha1, digest, &digest_len);

  /* RFC 4122 §4.3: version 5 in the high nibble of byte 6, variant 10xx in byte 8. */
  digest[6] = (guint8) ((digest[6] & 0x0f) | 0x50);
  digest[8] = (guint8) ((digest[8] & 0x3f) | 0x80);

  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          digest[0], digest[1], digest[2], digest[3], digest[4], digest[5],
                          digest[6], digest[7], digest[8], digest[9], digest[10], digest[11],
                          digest[12], digest[13], digest[14], digest[15]);
}

char *
oc_uuid_for_session (const char *environment, const char *session_id)
{
  g_return_val_if_fail (environment != NULL && session_id != NULL, NULL);

  /* "\n" cannot occur in a normalised URL, so no (environment, id) pair can
   * produce the same name as another. */
  g_autofree char *name = g_strconcat (environment, "\n", session_id, NULL);
  return oc_uuid_v5 (OC_UUID_NAMESPACE, name);
}
