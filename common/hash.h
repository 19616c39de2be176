/* hash.h — splitmix64's 64-bit mixer, the one copy: the chase generator's
 * seeding and the interleave workloads' data fills use it.
 *
 * Promises:
 * - cxs_mix64() is a pure function (a bijection on 64-bit words), the same
 *   on every machine and build: workload data and checksums depend on it,
 *   so its constants never change.
 * - CXS_MIX64_GAMMA is splitmix64's increment (2^64 / golden ratio, odd):
 *   cxs_mix64(seed + i * CXS_MIX64_GAMMA) for i = 1, 2, ... is splitmix64's
 *   stream from seed.
 */
#ifndef CXS_HASH_H
#define CXS_HASH_H

#include <stdint.h>

#define CXS_MIX64_GAMMA UINT64_C(0x9e3779b97f4a7c15)

static inline uint64_t cxs_mix64(uint64_t x)
{
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

#endif
