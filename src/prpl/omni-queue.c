/* SPDX-License-Identifier: GPL-2.0-or-later */
/* omni-queue.c — the account's queue intake (AMQP 1.0, issue 11): several
 * Pidgin accounts on one queue are competing consumers, each message
 * handed off once by whichever took it. The options name the broker, the
 * user and the queue (SPEC §10); the password is asked for through the
 * request API at sign-in and kept only when the user ticks "Remember
 * password". What comes of the queue is the service's business; this only
 * asks, and shows what the service says. */
#include "omni-prpl.h"

#include <libpurple/accountopt.h>
#include <libpurple/debug.h>
#include <libpurple/notify.h>
#include <libpurple/request.h>
#include <string.h>

#include "omni-i18n.h"

#define FIELD_PASSWORD "password"
#define FIELD_REMEMBER "remember"

GList *
omni_queue_options (GList *options)
{
  options = g_list_append (options, purple_account_option_string_new (_("Intake queue broker (amqp:// or amqps://)"),
                                                                      OMNI_OPT_INTAKE_AMQP_URL, ""));
  options = g_list_append (options, purple_account_option_string_new (_("Intake queue user (empty: anonymous)"),
                                                                      OMNI_OPT_INTAKE_AMQP_USER, ""));
  options = g_list_append (options, purple_account_option_string_new (_("Intake queue address"),
                                                                      OMNI_OPT_INTAKE_QUEUE, ""));
  return options;
}

static const char *
option (PurpleAccount *account, const char *key)
{
  const char *value = purple_account_get_string (account, key, NULL);
  return value && *value ? value : NULL;
}

static void
on_queue_failed (OcService *service, GError *error, gpointer user_data)
{
  OmniAccount *omni = user_data;
  purple_debug_error ("omnichannel", "queue intake stopped: %s\n", error->message);
  /* a remembered password may be the wrong one: the next sign-in asks again */
  purple_account_set_string (omni->account, OMNI_OPT_INTAKE_AMQP_PASSWORD, NULL);
  g_autofree char *text = g_strdup_printf (_("The queue intake stopped: %s"), error->message);
  purple_notify_error (omni->gc, _("Intake queue"), _("The queue intake stopped"), text);
}

static void
on_queue_connection (OcService *service, gboolean up, const char *detail, gpointer user_data)
{
  purple_debug_info ("omnichannel", "queue intake %s: %s\n", up ? "up" : "down", detail);
}

static void
on_queue_settled (OcService *service, const char *session_id, const char *outcome, const char *reason,
                  gpointer user_data)
{
  purple_debug_info ("omnichannel", "queue: %s %s%s%s\n", outcome, session_id ? session_id : "(no valid session)",
                     reason ? ": " : "", reason ? reason : "");
}

/* Adds the queue to the running service; @password may be NULL (anonymous). */
static void
add_queue (OmniAccount *omni, const char *password)
{
  PurpleAccount *account = omni->account;
  OcAmqpIntakeOptions options = {
    .url = option (account, OMNI_OPT_INTAKE_AMQP_URL),
    .user = option (account, OMNI_OPT_INTAKE_AMQP_USER),
    .password = password,
    .queue = option (account, OMNI_OPT_INTAKE_QUEUE),
  };
  g_autoptr(GError) error = NULL;
  if (!oc_service_add_queue (omni->service, &options, &error))
    {
      g_autofree char *text = g_strdup_printf (_("The queue intake did not start: %s"), error->message);
      purple_notify_error (omni->gc, _("Intake queue"), _("The queue intake did not start"), text);
    }
}

static void
on_password_given (PurpleConnection *gc, PurpleRequestFields *fields)
{
  OmniAccount *omni = purple_connection_get_protocol_data (gc);
  const char *password = purple_request_fields_get_string (fields, FIELD_PASSWORD);
  if (omni == NULL || omni->service == NULL || password == NULL || *password == '\0')
    return;
  if (purple_request_fields_get_bool (fields, FIELD_REMEMBER))
    purple_account_set_string (omni->account, OMNI_OPT_INTAKE_AMQP_PASSWORD, password);
  add_queue (omni, password);
}

static void
on_password_refused (PurpleConnection *gc, PurpleRequestFields *fields)
{
  purple_debug_info ("omnichannel", "no queue password given: the queue intake does not run\n");
}

void
omni_queue_start (OmniAccount *omni)
{
  PurpleAccount *account = omni->account;
  if (option (account, OMNI_OPT_INTAKE_AMQP_URL) == NULL && option (account, OMNI_OPT_INTAKE_QUEUE) == NULL)
    return;
  g_signal_connect (omni->service, "queue-failed", G_CALLBACK (on_queue_failed), omni);
  g_signal_connect (omni->service, "queue-connection", G_CALLBACK (on_queue_connection), omni);
  g_signal_connect (omni->service, "queue-settled", G_CALLBACK (on_queue_settled), omni);

  const char *user = option (account, OMNI_OPT_INTAKE_AMQP_USER);
  const char *remembered = option (account, OMNI_OPT_INTAKE_AMQP_PASSWORD);
  if (user == NULL || remembered)
    {
      add_queue (omni, user ? remembered : NULL);
      return;
    }

  PurpleRequestFields *fields = purple_request_fields_new ();
  PurpleRequestFieldGroup *group = purple_request_field_group_new (NULL);
  purple_request_fields_add_group (fields, group);
  PurpleRequestField *field = purple_request_field_string_new (FIELD_PASSWORD, _("Password"), "", FALSE);
  purple_request_field_string_set_masked (field, TRUE);
  purple_request_field_set_required (field, TRUE);
  purple_request_field_group_add_field (group, field);
  purple_request_field_group_add_field (group, purple_request_field_bool_new (FIELD_REMEMBER,
                                                                              _("Remember password"), FALSE));
  g_autofree char *primary = g_strdup_printf (_("Password of %s for the intake queue"), user);
  g_autofree char *secondary = g_strdup_printf (_("The queue %s on %s (%s)"), option (account, OMNI_OPT_INTAKE_QUEUE)
                                                ? option (account, OMNI_OPT_INTAKE_QUEUE) : "",
                                                option (account, OMNI_OPT_INTAKE_AMQP_URL)
                                                ? option (account, OMNI_OPT_INTAKE_AMQP_URL) : "",
                                                purple_account_get_username (account));
  /* libpurple closes the dialog with the connection (its handle): no answer comes after sign-out */
  purple_request_fields (omni->gc, _("Intake queue password"), primary, secondary, fields, _("OK"),
                         G_CALLBACK (on_password_given), _("Cancel"), G_CALLBACK (on_password_refused), account,
                         NULL, NULL, omni->gc);
}
