// SPDX-License-Identifier: Apache-2.0

module gcload

go 1.19
