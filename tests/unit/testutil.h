/* testutil.h — small helpers shared by the cmocka suites. */
#ifndef CXS_TESTUTIL_H
#define CXS_TESTUTIL_H

#include <stdio.h>

/* Skip the current test with a reason that lands in the test log (cmocka's
 * TAP output has no room for one). */
#define SKIP_BECAUSE(...)                                                                          \
    do {                                                                                           \
        printf("# skip reason: ");                                                                 \
        printf(__VA_ARGS__);                                                                       \
        printf("\n");                                                                              \
        skip();                                                                                    \
    } while (0)

#endif
