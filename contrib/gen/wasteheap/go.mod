// SPDX-License-Identifier: Apache-2.0

module wasteheap

go 1.19
