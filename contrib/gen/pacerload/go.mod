// SPDX-License-Identifier: Apache-2.0

module pacerload

go 1.19
