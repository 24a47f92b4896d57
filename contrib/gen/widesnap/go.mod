// SPDX-License-Identifier: Apache-2.0

module widesnap

go 1.19
