// SPDX-License-Identifier: Apache-2.0

module allocmeasure

go 1.19
