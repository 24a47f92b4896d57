// SPDX-License-Identifier: Apache-2.0

module example.com/gomem/hostileelf

go 1.19
