/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-test-seed.h — the values of data/mock-org.json that tests name: one
 * place, so that a change of the seed is a change of this file. */
#pragma once

#define SEED_TENANT         "5f3a8c2e-1b4d-4e6f-9a7b-2c8d0e1f3a5b"
#define SEED_DOMAIN         "contoso.onmicrosoft.com"
#define SEED_CLIENT         "0c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
#define SEED_SECRET         "Qm8~mockSecretValue.0123456789abcdefABCDEF"
#define SEED_SECRET_ID      "7d2f4b1a-9c3e-4f5a-8b6c-1d2e3f4a5b6c"
#define SEED_APP_USER       "a1b2c3d4-0000-4000-8000-000000000001"
#define SEED_ORG            "0a0b0c0d-0e0f-4a1b-8c2d-3e4f5a6b7c8d"   /* WhoAmI OrganizationId */
#define SEED_BU             "1b2c3d4e-5f60-4172-8394-a5b6c7d8e9f0"   /* WhoAmI BusinessUnitId */
#define SEED_WORKSTREAM     "e5f6a7b8-1111-4111-8111-111111111111"
#define SEED_WORKSTREAM_OFF "e5f6a7b8-2222-4222-8222-222222222222"
#define SEED_QUEUE          "c0ffee00-3333-4333-8333-333333333333"
#define SEED_QUEUE2         "c0ffee00-4444-4444-8444-444444444444"
#define SEED_REP1           "5e7a0001-0000-4000-8000-00000000a001"   /* Alex Smith */
#define SEED_REP2           "5e7a0002-0000-4000-8000-00000000a002"   /* Priya Raman */
#define SEED_REP3           "5e7a0003-0000-4000-8000-00000000a003"   /* Jonas Weber */
#define SEED_ADA            "c0a7ac70-0001-4000-8000-000000000001"
#define SEED_GRACE          "c0a7ac70-0002-4000-8000-000000000002"
#define SEED_ALAN           "c0a7ac70-0003-4000-8000-000000000003"
