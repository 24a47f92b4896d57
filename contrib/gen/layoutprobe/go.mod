// SPDX-License-Identifier: Apache-2.0

module layoutprobe

go 1.19
