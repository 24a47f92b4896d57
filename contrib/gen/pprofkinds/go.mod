// SPDX-License-Identifier: Apache-2.0

module pprofkinds

go 1.19
