// SPDX-License-Identifier: Apache-2.0

module heapsnap

go 1.19
