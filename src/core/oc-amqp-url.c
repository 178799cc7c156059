/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-amqp-url.h"

#include <glib/gi18n-lib.h>

#include <gio/gio.h>
#include <string.h>

#include "oc-error.h"

gboolean
oc_amqp_host_is_loopback (const char *host)
{
  g_return_val_if_fail (host != NULL, FALSE);
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

static gboolean
fail (GError **error, const char *what)
{
  g_set_error (error, OC_ERROR, OC_ERROR_INVALID_SETTINGS, "--amqp: %s", what);
  return FALSE;
}

gboolean
oc_amqp_url_parse (const char *text, gboolean with_password, OcAmqpUrl *out, GError **error)
{
  g_return_val_if_fail (out != NULL, FALSE);
  memset (out, 0, sizeof *out);
  if (text == NULL || *text == '\0')
    return fail (error, _("give the broker as amqp://host[:port] or amqps://host[:port]"));

  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return fail (error, _("not a URL; give the broker as amqp://host[:port] or amqps://host[:port]"));
  const char *scheme = g_uri_get_scheme (uri);
  gboolean tls = g_ascii_strcasecmp (scheme, "amqps") == 0;
  if (!tls && g_ascii_strcasecmp (scheme, "amqp") != 0)
    return fail (error, _("the scheme must be amqp or amqps"));
  if (g_uri_get_userinfo (uri) != NULL)
    return fail (error, _("no user or password in the URL: use --amqp-user and OMNICHANNEL_AMQP_PASSWORD "
                        "or --amqp-password-file"));
  const char *host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    return fail (error, _("the URL has no host"));
  const char *path = g_uri_get_path (uri);
  if ((path[0] != '\0' && strcmp (path, "/") != 0) || g_uri_get_query (uri) || g_uri_get_fragment (uri))
    return fail (error, _("only amqp[s]://host[:port]; the queue is given with --queue"));
  if (!tls && with_password && !oc_amqp_host_is_loopback (host))
    return fail (error, _("amqp:// would send the password in clear text; use amqps:// "
                        "(plain amqp:// is allowed only to a loopback broker)"));

  int port = g_uri_get_port (uri);
  out->host = g_strdup (host);
  out->port = port > 0 ? (guint16) port : tls ? 5671 : 5672;
  out->tls = tls;
  return TRUE;
}

void
oc_amqp_url_clear (OcAmqpUrl *url)
{
  g_return_if_fail (url != NULL);
  g_clear_pointer (&url->host, g_free);
}
