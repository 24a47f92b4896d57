// SPDX-License-Identifier: Apache-2.0

module heapdumpgen

go 1.19
