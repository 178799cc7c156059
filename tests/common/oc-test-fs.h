/* SPDX-License-Identifier: GPL-2.0-or-later */
/* oc-test-fs.h — file system helpers of the core tests. */
#pragma once

/* Removes @path and everything under it (symbolic links are removed, never
 * followed). */
void oc_test_remove_tree (const char *path);
