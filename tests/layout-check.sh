#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# layout-check.sh — scaffold: to be written.
exit 77
