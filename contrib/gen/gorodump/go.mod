// SPDX-License-Identifier: Apache-2.0

module gorodump

go 1.19
