#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# binary-check.sh — scaffold: to be written.
exit 77
