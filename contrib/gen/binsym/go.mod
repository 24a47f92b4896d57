// SPDX-License-Identifier: Apache-2.0

module example.com/gomem/binsym

go 1.19
