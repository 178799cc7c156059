/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mock-response.h — response bodies in the shapes Dataverse and Entra ID use. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* application/json; charset=utf-8 */
void mock_respond_json (SoupServerMessage *msg, guint status, JsonNode *body);
/* Dataverse flavour: OData content type and OData-Version header. */
void mock_respond_odata (SoupServerMessage *msg, guint status, JsonNode *body);
void mock_respond_odata_object (SoupServerMessage *msg, guint status, JsonObject *body);
void mock_respond_empty (SoupServerMessage *msg, guint status);

/* {"error":{"code":…,"message":…}} */
void mock_respond_dataverse_error (SoupServerMessage *msg, guint status, const char *code,
                                   const char *format, ...) G_GNUC_PRINTF (4, 5);
JsonNode *mock_dataverse_error_new (const char *code, const char *message);

/* {"error","error_description":"AADSTSn: …\r\nTrace ID…","error_codes":[n],…} */
void mock_respond_aad_error (SoupServerMessage *msg, guint status, const char *error, guint code,
                             const char *format, ...) G_GNUC_PRINTF (5, 6);
JsonNode *mock_aad_error_new (const char *error, guint code, const char *text);

G_END_DECLS
