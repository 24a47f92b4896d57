#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# allocsim-check.sh — scaffold: to be written.
exit 77
