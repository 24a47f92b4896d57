/* SPDX-License-Identifier: Apache-2.0 */
/* gomem.h — libgomem, memory diagnostics for Go programs. Include this one
 * header; each module also has its own under gomem/. */
#ifndef GOMEM_H
#define GOMEM_H

#include "gomem/common.h"
#include "gomem/error.h"
#include "gomem/source.h"
#include "gomem/table.h"
#include "gomem/sketch.h"
#include "gomem/openmetrics.h"
#include "gomem/profile.h"
#include "gomem/pprof.h"
#include "gomem/heapprof.h"
#include "gomem/heapdiff.h"
#include "gomem/gctrace.h"
#include "gomem/gcstats.h"
#include "gomem/gcruns.h"
#include "gomem/follow.h"
#include "gomem/monitor.h"
#include "gomem/goroutine.h"
#include "gomem/escape.h"
#include "gomem/sizeclass.h"
#include "gomem/alloc.h"
#include "gomem/pacer.h"
#include "gomem/heapexplain.h"
#include "gomem/binary.h"
#include "gomem/buildinfo.h"
#include "gomem/symbolize.h"
#include "gomem/layout.h"
#include "gomem/svg.h"
#include "gomem/snapshot.h"
#include "gomem/heapdump.h"
#include "gomem/gc.h"
#include "gomem/trace.h"
#include "gomem/sched.h"
#include "gomem/limits.h"

#endif
