// SPDX-License-Identifier: Apache-2.0

module tracegen

go 1.19
