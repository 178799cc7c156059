/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "oc-priority.h"

#include <glib/gi18n-lib.h>

#include "oc-error.h"
#include "oc-text.h"

#define MAX_OPTIONS 1000
#define LABEL_MAX_CHARS 60

gboolean
oc_priority_is_standard (int value)
{
  return value >= 1 && value <= 3;
}

static void
option_clear (gpointer data)
{
  g_free (((OcPriorityOption *) data)->label);
}

void
oc_priority_options_free (GArray *options)
{
  if (options)
    g_array_unref (options);
}

static JsonObject *
object_member (JsonObject *object, const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;
  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static GArray *
bad (GError **error, const char *what)
{
  g_set_error (error, OC_ERROR, OC_ERROR_BAD_RESPONSE,
               _("Dynamics 365 answered the case priority options (incident.prioritycode) malformed: %s"), what);
  return NULL;
}

/* Label.UserLocalizedLabel.Label, when it is a string; a missing label is
 * not an error (the value still identifies the option). */
static char *
option_label (JsonObject *option)
{
  JsonObject *localized = object_member (object_member (option, "Label"), "UserLocalizedLabel");
  JsonNode *label = localized ? json_object_get_member (localized, "Label") : NULL;
  if (label == NULL || !JSON_NODE_HOLDS_VALUE (label) || json_node_get_value_type (label) != G_TYPE_STRING)
    return g_strdup ("");
  const char *text = json_node_get_string (label);
  if (!g_utf8_validate (text, -1, NULL))
    return g_strdup ("");
  /* shown in error messages: one short line */
  g_autofree char *cut = oc_text_cut (text, LABEL_MAX_CHARS);
  return g_strdelimit (cut ? g_steal_pointer (&cut) : g_strdup (""), "\n\t", ' ');
}

GArray *
oc_priority_options_parse (JsonNode *body, GError **error)
{
  JsonObject *root = body && JSON_NODE_HOLDS_OBJECT (body) ? json_node_get_object (body) : NULL;
  if (root == NULL)
    return bad (error, _("the answer is not an object"));
  JsonObject *option_set = object_member (root, "OptionSet");
  JsonNode *options_node = option_set ? json_object_get_member (option_set, "Options") : NULL;
  if (options_node == NULL || !JSON_NODE_HOLDS_ARRAY (options_node))
    return bad (error, _("OptionSet.Options is not a list"));
  JsonArray *array = json_node_get_array (options_node);
  guint n = json_array_get_length (array);
  if (n > MAX_OPTIONS)
    return bad (error, _("more than 1000 options"));

  g_autoptr(GArray) options = g_array_sized_new (FALSE, TRUE, sizeof (OcPriorityOption), n);
  g_array_set_clear_func (options, option_clear);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *option = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      JsonNode *value = option ? json_object_get_member (option, "Value") : NULL;
      /* An option value is an Int32; "1", 1.5 or 1e10 are not one. */
      if (value == NULL || !JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_INT64)
        return bad (error, _("an option's Value is not a whole number"));
      gint64 number = json_node_get_int (value);
      if (number < G_MININT32 || number > G_MAXINT32)
        return bad (error, _("an option's Value is out of range"));
      OcPriorityOption entry = { (gint32) number, option_label (option) };
      g_array_append_val (options, entry);
    }
  return g_steal_pointer (&options);
}

char *
oc_priority_options_describe (GArray *options)
{
  g_return_val_if_fail (options != NULL, NULL);
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < options->len; i++)
    {
      const OcPriorityOption *option = &g_array_index (options, OcPriorityOption, i);
      g_string_append_printf (out, "%s%d%s%s", i ? ", " : "", option->value,
                              option->label[0] ? " " : "", option->label);
    }
  return g_string_free (out, FALSE);
}

gboolean
oc_priority_check (GArray *options, int value, GError **error)
{
  g_return_val_if_fail (options != NULL, FALSE);
  for (guint i = 0; i < options->len; i++)
    if (g_array_index (options, OcPriorityOption, i).value == value)
      return TRUE;

  g_autofree char *list = oc_priority_options_describe (options);
  g_propagate_error (error, oc_error_new_field ("Default priority",
      _("Default priority %d is not a case priority in this org. Its options are: %s. "
      "Set Default priority to one of them."), value, options->len ? list : _("(none)")));
  return FALSE;
}
