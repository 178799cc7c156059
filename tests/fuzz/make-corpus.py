#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Writes the seed corpus of tests/fuzz/corpus/: real-looking answers (shapes
# from the research notes and the mock) and hostile ones. Re-run after
# editing; the files are committed so the replay never depends on Python.
import json, os, shutil, sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, 'corpus')
sessions_dir = os.path.join(here, '..', '..', 'data', 'sessions')

GUID = 'bbbbbbbb-cccc-4ddd-8eee-ffffffffffff'
ORG = 'https://contoso.crm.dynamics.com/api/data/v9.2/'
FMT = '@OData.Community.Display.V1.FormattedValue'

def nest(depth, inner='1', open_='[', close=']'):
    return open_ * depth + inner + close * depth

def nest_obj(depth, inner='1'):
    return '{"a":' * depth + inner + '}' * depth

# Hostile texts every JSON target gets.
hostile = {
    'deep-64.json': nest(63),
    'deep-65.json': nest(65),
    'deep-objects-65.json': nest_obj(65),
    'deep-unclosed-2k.json': '{"UserId":' + '[' * 2000,
    'surrogate-lone.json': '{"UserId":"\\ud800"}',
    'surrogate-low.json': '{"a":["x","\\udc00y"]}',
    'surrogate-name.json': '{"\\ud800":1}',
    'surrogate-pair.json': '{"name":"\\ud83d\\ude00 ok"}',
    'nul-escape.json': '{"access_token":"ab\\u0000cd","expires_in":3599}',
    'nul-byte.json': '{"a":"b\x00c"}',
    'huge-int.json': '{"expires_in":9223372036854775807,"statecode":18446744073709551616}',
    'huge-float.json': '{"n":1e999,"m":-1e999,"k":1e308}',
    'neg-zero.json': '{"statecode":-0,"x":-0.0,"y":0.5}',
    'wrong-types.json': '{"UserId":{"a":1},"statecode":"1","value":{},"error":"x","expires_in":[3599]}',
    'bom.json': '\ufeff{"UserId":"%s"}' % GUID,
    'comments.json': '/* c */ {"a": /* "[[[[" */ 1}',
    'comment-only.json': '// nothing here',
    'bom-only.json': '\ufeff',
    'single-quotes.json': "{'a': '[[[[['}",
    'bad-utf8.json': b'{"a":"\xff\xfe"}',
    'overlong-utf8.json': b'{"a":"\xc0\xaf"}',
    'trailing-comma.json': '{"a":1,}',
    'bareword.json': '{"a":secretvalue}',
    'empty-name.json': '{"":1}',
    'duplicate-keys.json': '{"a":1,"a":"two"}',
    'just-string.json': '"hello"',
    'just-number.json': '42',
    'empty.json': '',
    'whitespace.json': ' \n\t ',
}

who_am_i = {'@odata.context': ORG + '$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse',
            'BusinessUnitId': '11111111-0000-4000-8000-000000000001', 'UserId': GUID,
            'OrganizationId': '11111111-0000-4000-8000-000000000002'}
workstream = {'@odata.context': ORG + '$metadata#msdyn_liveworkstreams(msdyn_name,statecode,msdyn_streamsource)/$entity',
              'msdyn_name': 'Live chat', 'statecode': 0, 'statecode' + FMT: 'Active',
              'msdyn_streamsource': 192360000, 'msdyn_liveworkstreamid': '77777777-8888-4999-aaaa-bbbbbbbbbbbb'}
row = {'@odata.etag': 'W/"1234567"', 'activityid': '5e7f1a2b-3c4d-5e6f-8a9b-0c1d2e3f4a5b',
       'subject': 'Refund for order 1182', 'statecode': 0, 'statecode' + FMT: 'Open',
       'statuscode': 2, 'statuscode' + FMT: 'Active', 'msdyn_statuschangereason': 192350000,
       'msdyn_statuschangereason' + FMT: 'Assigned to agent',
       '_msdyn_activeagentid_value': '22222222-0000-4000-8000-000000000003',
       '_msdyn_activeagentid_value' + FMT: 'Grace Hopper',
       '_msdyn_cdsqueueid_value': '33333333-0000-4000-8000-000000000004',
       '_msdyn_cdsqueueid_value' + FMT: 'Default entity queue',
       'modifiedon': '2026-11-23T10:05:00Z', 'createdon': '2026-11-23T10:02:30Z'}
page = {'@odata.context': ORG + '$metadata#msdyn_ocliveworkitems', 'value': [row],
        '@odata.nextLink': ORG + "msdyn_ocliveworkitems?$select=activityid&$skiptoken=%3Ccookie%20pagenumber=%222%22%3E"}
case_row = {'incidentid': '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d', 'ticketnumber': 'CAS-01024-Z3T5R7',
            'title': 'Router reboots', 'statecode': 0, 'statuscode': 1, 'statuscode' + FMT: 'In Progress',
            '_ownerid_value': GUID, '_ownerid_value' + FMT: 'omnichannel app',
            'modifiedon': '2026-11-23T10:09:40Z', 'createdon': '2026-11-23T10:09:30Z'}
contacts = {'@odata.context': ORG + '$metadata#contacts(contactid,fullname)',
            'value': [{'contactid': '44444444-0000-4000-8000-000000000005', 'fullname': 'Ada Lovelace'}]}
created = {'@odata.context': ORG + '$metadata#msdyn_ocliveworkitems(activityid)/$entity',
           'activityid': '5e7f1a2b-3c4d-5e6f-8a9b-0c1d2e3f4a5b'}
dv_errors = {
    'error-duplicate.json': {'error': {'code': '0x80040237', 'message': 'A record with matching key values already exists.'}},
    'error-privilege.json': {'error': {'code': '0x80040220', 'message': 'Principal user (Id=%s, type=8) is missing prvCreatemsdyn_ocliveworkitem privilege (Id=abc) on OTC=10714 for entity \'msdyn_ocliveworkitem\'.' % GUID}},
    'error-throttled.json': {'error': {'code': '0x80072322', 'message': 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.'}},
    'error-validation.json': {'error': {'code': '0x80044331', 'message': "A validation error occurred.  The length of the 'subject' attribute of the 'task' entity exceeded the maximum allowed length of '200'."}},
    'error-not-member.json': {'error': {'code': '0x80072560', 'message': 'The user is not a member of the organization.'}},
    'error-empty-code.json': {'error': {'code': '', 'message': ''}},
    'error-annotations.json': {'error': {'code': '0x80040265', 'message': 'Plugin failed',
                                         '@Microsoft.PowerApps.CDS.ErrorDetails.OperationStatus': '0',
                                         '@Microsoft.PowerApps.CDS.TraceText': 'trace\r\nmore',
                                         '@Microsoft.PowerApps.CDS.HelpLink': 'http://go.microsoft.com/fwlink/?LinkID=398563&error=Microsoft.Crm.CrmException%3a80040265'}},
    'error-wrong-types.json': {'error': {'code': 2147746359, 'message': {'text': 'x'}}},
    'error-is-string.json': {'error': 'boom'},
}
token_ok = {'token_type': 'Bearer', 'expires_in': 3599, 'ext_expires_in': 3599,
            'access_token': 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2NvbnRvc28ifQ.c2lnbmF0dXJl'}
def entra(err, code, text):
    return {'error': err, 'error_description': 'AADSTS%d: %s\r\nTrace ID: 0000\r\nCorrelation ID: 1111\r\nTimestamp: 2026-11-23 10:00:00Z' % (code, text),
            'error_codes': [code], 'timestamp': '2026-11-23 10:00:00Z', 'trace_id': '0000', 'correlation_id': '1111',
            'error_uri': 'https://login.microsoftonline.com/error?code=%d' % code}
tokens = {
    'ok.json': token_ok,
    'ok-string-lifetime.json': dict(token_ok, expires_in='3599'),
    'lifetime-int64-max.json': dict(token_ok, expires_in=9223372036854775807),
    'lifetime-wraps-guint.json': dict(token_ok, expires_in=4295268),
    'lifetime-zero.json': dict(token_ok, expires_in=0),
    'lifetime-negative.json': dict(token_ok, expires_in=-5),
    'lifetime-float.json': dict(token_ok, expires_in=3599.5),
    'lifetime-string-huge.json': dict(token_ok, expires_in='99999999999999999999'),
    'token-empty.json': dict(token_ok, access_token=''),
    'token-object.json': dict(token_ok, access_token={'v': 'x'}),
    'token-missing.json': {'token_type': 'Bearer', 'expires_in': 3599},
    'secret-expired.json': entra('invalid_client', 7000222, 'The provided client secret keys for app are expired.'),
    'secret-invalid.json': entra('invalid_client', 7000215, 'Invalid client secret provided.'),
    'client-not-found.json': entra('unauthorized_client', 700016, 'Application was not found in the directory.'),
    'tenant-not-found.json': entra('invalid_request', 90002, "Tenant 'x' not found."),
    'resource-not-found.json': entra('invalid_resource', 500011, 'The resource principal was not found.'),
    'scope.json': entra('invalid_scope', 70011, 'The provided value for scope is not valid.'),
    'unavailable.json': {'error': 'temporarily_unavailable'},
    'codes-wrong-types.json': {'error': 'invalid_client', 'error_codes': ['7000222', None, {'a': 1}, 1.5]},
    'codes-not-array.json': {'error': 'invalid_client', 'error_codes': 7000222},
    'error-not-string.json': {'error': ['invalid_client'], 'error_codes': [7000215]},
    # found by libFuzzer: "error" was quoted whole, whatever it held
    'error-echoes-secret.json': {'error': 'invalid Fz8~client-secret-VALUE-never-shown', 'error_codes': [70011]},
    'error-long.json': {'error': 'x' * 3000},
}

def write(target, name, content):
    d = os.path.join(root, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(content, (dict, list)):
        content = json.dumps(content, ensure_ascii=False, indent=None)
    if isinstance(content, str):
        content = content.encode('utf-8')
    with open(os.path.join(d, name), 'wb') as f:
        f.write(content)

if os.path.isdir(root):
    shutil.rmtree(root)

answers = {'whoami.json': who_am_i, 'workstream.json': workstream, 'page.json': page,
           'page-cases.json': {'value': [case_row]}, 'contacts.json': contacts, 'created.json': created,
           'page-empty.json': {'value': []}}
for target in ('json', 'web-api'):
    for name, content in list(answers.items()) + list(dv_errors.items()) + list(hostile.items()):
        write(target, name, content)
write('json', 'token.json', token_ok)
write('web-api', 'page-self-link.json', dict(page, **{'@odata.nextLink': ORG + 'msdyn_ocliveworkitems?$select=activityid'}))
write('web-api', 'workstream-statecode-string.json', dict(workstream, statecode='1'))
write('web-api', 'row-formatted-object.json', {'value': [dict(row, **{'statuscode' + FMT: {'x': 1}, 'activityid': {'id': 1}})]})

for name, content in list(tokens.items()) + list(hostile.items()):
    write('token', name, content)

for name in sorted(os.listdir(sessions_dir)):
    with open(os.path.join(sessions_dir, name), 'rb') as f:
        write('session', name, f.read())
base = {'id': 'sess_8f2c', 'channel': 'web', 'summary': 'Refund for order 1182',
        'customer': {'name': 'Ada Lovelace', 'email': 'ada@example.com', 'email_verified': True, 'phone': '+441632960001'},
        'transcript': [{'role': 'customer', 'text': 'Where is my refund?', 'time': '2026-11-23T10:02:11Z'},
                       {'role': 'ai', 'text': 'Let me get a colleague.', 'time': '2026-11-23T10:02:40Z'}],
        'meta': {}}
sessions = {
    'minimal.json': {'id': 'a', 'channel': 'sms'},
    'forged-meta.json': dict(base, meta={'handed_off': True, 'dynamics365_chat_id': '5e7f1a2b-3c4d-5e6f-8a9b-0c1d2e3f4a5b'}),
    'email-bad.json': dict(base, customer={'email': 'x'}),
    'phone-long.json': dict(base, customer={'phone': '+4' + '1' * 60}),
    'id-long.json': dict(base, id='x' * 101),
    'id-control.json': dict(base, id='a\u0007b'),
    'id-nfd.json': dict(base, id='cafe\u0301-1'),
    'channel-upper.json': dict(base, channel='WhatsApp'),
    'channel-spaces.json': dict(base, channel='live chat'),
    'wrong-types.json': {'id': 7, 'channel': ['web'], 'customer': 'Ada', 'transcript': {'role': 'ai'}},
    'transcript-bad-line.json': dict(base, transcript=[{'role': 'ai'}, 'text', None]),
    'transcript-bad-time.json': dict(base, transcript=[{'role': 'ai', 'text': 'x', 'time': 'yesterday'}]),
    'unknown-members.json': dict(base, extra={'nested': [1, 2, {'x': None}]}, widget='v2'),
    'meta-not-object.json': dict(base, meta=[1]),
    'verified-string.json': dict(base, customer={'email': 'ada@example.com', 'email_verified': 'true'}),
}
for name, content in list(sessions.items()) + list(hostile.items()):
    write('session', name, content)

retry = {'seconds.txt': '120', 'zero.txt': '0', 'spaces.txt': '  7  ', 'huge.txt': '99999999999999999999999',
         'int32.txt': '2147483648', 'negative.txt': '-5', 'float.txt': '1.5', 'hex.txt': '0x10',
         'date.txt': 'Wed, 02 Dec 2026 06:35:00 GMT', 'date-past.txt': 'Sun, 06 Nov 1994 08:49:37 GMT',
         'date-rfc850.txt': 'Sunday, 06-Nov-94 08:49:37 GMT', 'date-asctime.txt': 'Sun Nov  6 08:49:37 1994',
         'date-far.txt': 'Fri, 31 Dec 9999 23:59:59 GMT', 'date-bad.txt': 'Wed, 32 Dec 2026 25:61:61 GMT',
         'empty.txt': '', 'words.txt': 'soon', 'nul.txt': b'12\x0034', 'utf8.txt': '\u0663\u0660'}
for name, content in retry.items():
    write('retry-after', name, content)

props = {'ok.json': {'casetypecode': 2, 'caseorigincode': 3}, 'empty-object.json': {},
         'nested.json': {'casetypecode': 2, 'customerid_contact@odata.bind': '/contacts(44444444-0000-4000-8000-000000000005)'},
         'protected-owner.json': {'ownerid@odata.bind': '/systemusers(%s)' % GUID},
         'protected-title.json': {'title': 'overwritten'},
         'array.json': [1, 2], 'string.json': 'casetypecode', 'deep-500.json': nest_obj(500)}
for name, content in list(props.items()) + list(hostile.items()):
    if name == 'nul-byte.json':
        continue
    write('settings', name, content)

total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(root) for f in fs)
print('corpus: %d files, %d bytes' % (sum(len(fs) for _, _, fs in os.walk(root)), total))
