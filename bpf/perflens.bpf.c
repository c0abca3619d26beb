// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * All perflens programs in one object, so there is one skeleton and one
 * set of shared maps.  Each concern lives in its own header.
 */
#include "common.bpf.h"
#include "io.bpf.h"
#include "offcpu.bpf.h"
#include "block.bpf.h"
#include "proc.bpf.h"
#include "pmu.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";
