// SPDX-License-Identifier: GPL-2.0-or-later
// conformance.js — a third-party Dataverse client (dynamics-web-api, pinned in
// package-lock.json) against a running dynamics-mock, over keep-alive
// connections, 8 requests in flight, 200 records. Prints TAP.
//
// Usage: node conformance.js URL TENANT CLIENT_ID CLIENT_SECRET
// (run-conformance.sh starts the mock and passes these). Every step must
// pass; where the mock refuses something, the step asserts the refusal
// Dataverse makes too (status and error code), so a mock that accepted it
// would fail here.
"use strict";

const http = require("http");
const { DynamicsWebApi } = require("dynamics-web-api");

const [url, tenant, clientId, clientSecret] = process.argv.slice(2);
const RECORDS = 200;
const IN_FLIGHT = 8;
const QUEUE = "c0ffee00-4444-4444-8444-444444444444";        // "Billing Cases" in data/mock-org.json
const CHAT_QUEUE = "c0ffee00-3333-4333-8333-333333333333";   // "Tier 1 Chat"
const WORKSTREAM = "e5f6a7b8-1111-4111-8111-111111111111";
const BATCH = "Conformance" + process.pid;

if (!url || !tenant || !clientId || !clientSecret) {
  console.error("usage: node conformance.js URL TENANT CLIENT_ID CLIENT_SECRET");
  process.exit(2);
}

// Connections opened by any http.Agent, the library's keep-alive agent included.
let connections = 0;
const createConnection = http.Agent.prototype.createConnection;
http.Agent.prototype.createConnection = function (...args) {
  connections++;
  return createConnection.apply(this, args);
};

let tokenRequests = 0;
async function fetchToken() {
  tokenRequests++;
  const body = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: clientId,
    client_secret: clientSecret,
    scope: url + "/.default",
  });
  const response = await fetch(`${url}/${tenant}/oauth2/v2.0/token`, { method: "POST", body });
  if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
  const json = await response.json();
  return { accessToken: json.access_token };
}

let cached = null;
const api = new DynamicsWebApi({
  serverUrl: url + "/",
  dataApi: { version: "9.2" },
  onTokenRefresh: async () => (cached ??= await fetchToken()),
});

let number = 0;
let failures = 0;
function report(ok, name, detail) {
  number++;
  if (!ok) failures++;
  console.log(`${ok ? "ok" : "not ok"} ${number} - ${name}`);
  if (!ok && detail) console.log(`# ${String(detail).split("\n").join("\n# ")}`);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function step(name, body) {
  try {
    await body();
    report(true, name);
  } catch (error) {
    report(false, name, error && (error.stack || JSON.stringify(error)));
  }
}

// Runs @task(i) for i in 0..count-1 with at most IN_FLIGHT at a time; the
// results in order. Workers reuse the agent's idle sockets between tasks.
async function pool(count, task) {
  const results = new Array(count);
  let next = 0;
  let maxActive = 0;
  let active = 0;
  async function worker() {
    while (next < count) {
      const i = next++;
      active++;
      maxActive = Math.max(maxActive, active);
      try {
        results[i] = await task(i);
      } finally {
        active--;
      }
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  check(maxActive === Math.min(IN_FLIGHT, count), `expected ${IN_FLIGHT} in flight, had ${maxActive}`);
  return results;
}

// A refusal: the error must carry Dataverse's status and code.
async function refused(promise, status, code) {
  try {
    await promise;
  } catch (error) {
    check(error.status === status, `status ${error.status}, expected ${status}: ${error.message}`);
    check(error.code === code, `code ${error.code}, expected ${code}: ${error.message}`);
    return error;
  }
  throw new Error(`expected a ${status} ${code} refusal, the request succeeded`);
}

async function main() {
  let requests = 0;
  const ids = [];
  let caseId, conversationId;

  console.log("# dynamics-web-api against " + url);

  await step("WhoAmI function", async () => {
    requests++;
    const who = await api.callFunction("WhoAmI");
    check(/^[0-9a-f-]{36}$/.test(who.UserId), "WhoAmI has no UserId");
  });

  await step(`create ${RECORDS} contacts without return=representation, ${IN_FLIGHT} in flight`, async () => {
    const created = await pool(RECORDS, (i) => {
      requests++;
      return api.create({
        collection: "contacts",
        data: { firstname: `P${String(i).padStart(3, "0")}`, lastname: BATCH, emailaddress1: `p${i}+tag@example.com` },
      });
    });
    for (const id of created) check(/^[0-9a-f-]{36}$/.test(id), `create answered ${id}, not an id`);
    check(new Set(created).size === RECORDS, "ids are not distinct");
    ids.push(...created);
  });

  await step("create with return=representation and $select", async () => {
    requests++;
    const record = await api.create({
      collection: "incidents",
      data: {
        title: `${BATCH} case`,
        prioritycode: 1,
        caseorigincode: 3,
        "customerid_contact@odata.bind": `/contacts(${ids[0]})`,
      },
      returnRepresentation: true,
      select: ["incidentid", "title", "prioritycode", "ticketnumber"],
    });
    check(record.prioritycode === 1 && record.title === `${BATCH} case`, "wrong representation");
    check(typeof record["@odata.etag"] === "string" && /^W\/"\d+"$/.test(record["@odata.etag"]), "no @odata.etag");
    check(record.ticketnumber, "no ticket number");
    caseId = record.incidentid;
  });

  await step("retrieve with $select and $expand of the case's customer", async () => {
    requests++;
    const record = await api.retrieve({
      collection: "incidents",
      key: caseId,
      select: ["title", "_customerid_value"],
      expand: [{ property: "customerid_contact", select: ["fullname", "emailaddress1"] }],
    });
    check(record.customerid_contact && record.customerid_contact.fullname === `P000 ${BATCH}`, "customer not expanded");
    check(record.customerid_contact.emailaddress1 === "p0+tag@example.com", "customer columns");
  });

  await step("retrieveMultiple with $filter, $select, $expand, $count and paging", async () => {
    requests++;
    const first = await api.retrieveMultiple({
      collection: "contacts",
      select: ["firstname", "lastname"],
      filter: `lastname eq '${BATCH}' and contains(emailaddress1,'+tag@')`,
      orderBy: ["firstname desc"],
      expand: [{ property: "ownerid", select: ["fullname"] }],
      count: true,
      maxPageSize: 30,
    });
    check(first.oDataCount === RECORDS, `@odata.count ${first.oDataCount}`);
    check(first.value.length === 30 && first.oDataNextLink, "first page");
    check(first.value[0].firstname === `P${RECORDS - 1}`, `order: ${first.value[0].firstname}`);
    check(first.value[0].ownerid && typeof first.value[0].ownerid.fullname === "string", "owner not expanded");
    const seen = new Set(first.value.map((r) => r.contactid));
    let link = first.oDataNextLink;
    while (link) {
      requests++;
      const page = await api.retrieveMultiple({ collection: "contacts", maxPageSize: 30 }, link);
      page.value.forEach((r) => seen.add(r.contactid));
      link = page.oDataNextLink;
    }
    check(seen.size === RECORDS, `pages held ${seen.size} records`);
  });

  await step("retrieveAll follows @odata.nextLink; /$count", async () => {
    const all = await api.retrieveAll({
      collection: "contacts",
      select: ["contactid"],
      filter: `lastname eq '${BATCH}'`,
      maxPageSize: 64,
    });
    requests += 4;
    check(all.value.length === RECORDS, `retrieveAll: ${all.value.length}`);
    requests++;
    const n = await api.count({ collection: "contacts", filter: `lastname eq '${BATCH}'` });
    check(n === RECORDS, `/$count: ${n}`);
  });

  await step(`update ${RECORDS} contacts (If-Match: *), ${IN_FLIGHT} in flight`, async () => {
    await pool(RECORDS, (i) => {
      requests++;
      return api.update({ collection: "contacts", key: ids[i], data: { description: `updated ${i}` } });
    });
    requests++;
    const record = await api.retrieve({ collection: "contacts", key: ids[7], select: ["description"] });
    check(record.description === "updated 7", "update not stored");
  });

  await step("update with return=representation and optimistic concurrency", async () => {
    requests++;
    const before = await api.retrieve({ collection: "contacts", key: ids[1], select: ["description"] });
    requests++;
    const after = await api.update({
      collection: "contacts",
      key: ids[1],
      data: { mobilephone: "+15550100" },
      ifmatch: before["@odata.etag"],
      returnRepresentation: true,
      select: ["mobilephone"],
    });
    check(after.mobilephone === "+15550100" && after["@odata.etag"] !== before["@odata.etag"], "etag did not change");
    // A stale ETag: 412, which dynamics-web-api reports as false.
    requests++;
    const stale = await api.update({ collection: "contacts", key: ids[1], data: { description: "x" }, ifmatch: before["@odata.etag"] });
    check(stale === false, `stale If-Match was accepted (${stale})`);
  });

  await step("deep insert: a conversation with context items, then one context item bound by @odata.bind", async () => {
    requests++;
    const conversation = await api.create({
      collection: "msdyn_ocliveworkitems",
      data: {
        subject: `${BATCH} chat`,
        msdyn_channel: "192360000",
        "msdyn_liveworkstreamid_msdyn_ocliveworkitem@odata.bind": `/msdyn_liveworkstreams(${WORKSTREAM})`,
        "msdyn_customer_msdyn_ocliveworkitem_contact@odata.bind": `/contacts(${ids[2]})`,
        msdyn_msdyn_ocliveworkitem_msdyn_ocliveworkitemcontextitem_ocliveworkitemid: [
          { msdyn_name: "source", msdyn_value: "conformance", msdyn_isdisplayable: true },
          { msdyn_name: "language", msdyn_value: "en" },
        ],
      },
      returnRepresentation: true,
      select: ["activityid", "statecode"],
      expand: [{ property: "msdyn_cdsqueueid_msdyn_ocliveworkitem", select: ["name"] }],
    });
    conversationId = conversation.activityid;
    check(conversation.msdyn_cdsqueueid_msdyn_ocliveworkitem.queueid === CHAT_QUEUE, "queue not expanded");
    requests++;
    const itemId = await api.create({
      collection: "msdyn_ocliveworkitemcontextitems",
      data: {
        msdyn_name: "ticket",
        msdyn_value: "42",
        "msdyn_ocliveworkitemid@odata.bind": `/msdyn_ocliveworkitems(${conversationId})`,
      },
    });
    check(/^[0-9a-f-]{36}$/.test(itemId), "context item id");
    requests++;
    const items = await api.retrieveMultiple({
      collection: "msdyn_ocliveworkitemcontextitems",
      select: ["msdyn_name"],
      filter: `_msdyn_ocliveworkitemid_value eq '${conversationId}'`,
    });
    check(items.value.length === 3, `conversation has ${items.value.length} context items`);
    requests++;
    const expanded = await api.retrieve({
      collection: "msdyn_ocliveworkitems",
      key: conversationId,
      select: ["subject"],
      expand: [
        { property: "msdyn_activeagentid_msdyn_ocliveworkitem", select: ["fullname"] },
        { property: "msdyn_msdyn_ocliveworkitem_msdyn_ocliveworkitemcontextitem_ocliveworkitemid", select: ["msdyn_name"] },
      ],
    });
    check(expanded.msdyn_activeagentid_msdyn_ocliveworkitem === null, "an unassigned agent expands to null");
    check(expanded.msdyn_msdyn_ocliveworkitem_msdyn_ocliveworkitemcontextitem_ocliveworkitemid.length === 3, "items");
  });

  await step("action calls: AddToQueue (bound) and msdyn_ApplyRoutingRuleEntityRecord (unbound)", async () => {
    requests++;
    const queued = await api.callAction({
      collection: "queues",
      key: QUEUE,
      actionName: "Microsoft.Dynamics.CRM.AddToQueue",
      action: {
        Target: { "@odata.type": "Microsoft.Dynamics.CRM.incident", incidentid: caseId },
        QueueItemProperties: { "@odata.type": "Microsoft.Dynamics.CRM.queueitem", title: `${BATCH} queued` },
      },
    });
    check(/^[0-9a-f-]{36}$/.test(queued.QueueItemId), "no QueueItemId");
    requests++;
    const routed = await api.callAction({ actionName: "msdyn_ApplyRoutingRuleEntityRecord", action: { Target: `incidents(${caseId})` } });
    check(routed === undefined || routed === null || routed === true || Object.keys(routed).length === 0, `answer ${JSON.stringify(routed)}`);
    requests++;
    const work = await api.retrieveMultiple({
      collection: "msdyn_ocliveworkitems",
      select: ["msdyn_channel", "_msdyn_cdsqueueid_value"],
      filter: `_msdyn_issueid_value eq ${caseId}`,
    });
    check(work.value.length === 1 && work.value[0]._msdyn_cdsqueueid_value === QUEUE, "case not routed to its queue");
  });

  await step("the option set of incident.prioritycode, and refusals Dataverse makes too", async () => {
    requests++;
    const meta = await api.retrieve({
      collection: "EntityDefinitions",
      key: "LogicalName='incident'",
      navigationProperty: "Attributes",
      navigationPropertyKey: "LogicalName='prioritycode'",
      metadataAttributeType: "Microsoft.Dynamics.CRM.PicklistAttributeMetadata",
      select: ["LogicalName"],
      expand: [{ property: "OptionSet", select: ["Options"] }],
    });
    const values = meta.OptionSet.Options.map((o) => o.Value).join(",");
    check(values === "1,2,3", `options ${values}`);
    check(meta.OptionSet.Options[0].Label.UserLocalizedLabel.Label === "High", "label");
    requests += 4;
    await refused(api.create({ collection: "incidents", data: { title: "x", prioritycode: 4, "customerid_contact@odata.bind": `/contacts(${ids[0]})` } }), 400, "0x8004431a");
    await refused(api.create({ collection: "contacts", data: { lastname: "x", nickname: "y" } }), 400, "0x80060888");
    await refused(api.retrieveMultiple({ collection: "contacts", filter: "lastname eq 'O'Brien'" }), 400, "0x80060888");
    await refused(api.update({ collection: "incidents", key: caseId, data: { statecode: 0, statuscode: 5 } }), 400, "0x80048408");
  });

  await step(`delete ${RECORDS} contacts, ${IN_FLIGHT} in flight; the conversation and its context items`, async () => {
    await pool(RECORDS, (i) => {
      requests++;
      return api.deleteRecord({ collection: "contacts", key: ids[i] });
    });
    requests++;
    const n = await api.count({ collection: "contacts", filter: `lastname eq '${BATCH}'` });
    check(n === 0, `${n} contacts left`);
    requests++;
    await api.deleteRecord({ collection: "msdyn_ocliveworkitems", key: conversationId });
    requests++;
    const items = await api.count({
      collection: "msdyn_ocliveworkitemcontextitems",
      filter: `_msdyn_ocliveworkitemid_value eq ${conversationId}`,
    });
    check(items === 0, `${items} context items outlived their conversation`);
    requests++;
    await refused(api.retrieve({ collection: "contacts", key: ids[0] }), 404, "0x80040217");
  });

  // Keep-alive: a few connections carried every request. Without it each
  // 204 ended its connection (and the client died with "socket hang up").
  await step("connections were reused", async () => {
    check(connections > 0 && connections * 10 < requests, `${connections} connections for ${requests} requests`);
    check(tokenRequests === 1, `${tokenRequests} token requests`);
  });

  console.log(`1..${number}`);
  console.log(`# ${requests} requests on ${connections} connections, ${failures} failures`);
  process.exit(failures ? 1 : 0);
}

main().catch((error) => {
  report(false, "unexpected error", error && error.stack);
  console.log(`1..${number}`);
  process.exit(1);
});
