/* fuzz_assign.c — --assign (cxs_assign_parse, common/assign.h): what it
 * accepts keeps its promises and survives a round trip through
 * cxs_assign_format (whose '+' separators become commas again). */
#include "assign.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    char *s = fuzz_str(data, len), err[256] = "", buf[512];
    struct cxs_assign a, b;
    if (cxs_assign_parse(s, &a, err, sizeof err)) {
        FUZZ_CHECK(err[0]);
        free(s);
        return 0;
    }
    free(s);
    FUZZ_CHECK(a.n >= 1 && a.n <= CXS_ASSIGN_MAX);
    int total = 0;
    for (int i = 0; i < a.n; i++) {
        FUZZ_CHECK(a.node[i] >= 0 && a.node[i] <= 65535);
        FUZZ_CHECK(a.threads[i] >= 1 && a.threads[i] <= 4096);
        for (int j = 0; j < i; j++)
            FUZZ_CHECK(a.node[j] != a.node[i]);
        total += a.threads[i];
    }
    FUZZ_CHECK(cxs_assign_total(&a) == total);

    cxs_assign_format(&a, buf, sizeof buf);
    FUZZ_CHECK(strchr(buf, ',') == NULL);
    for (char *p = buf; (p = strchr(p, '+')) != NULL;)
        *p = ',';
    FUZZ_CHECK(cxs_assign_parse(buf, &b, err, sizeof err) == 0);
    FUZZ_CHECK(b.n == a.n);
    for (int i = 0; i < a.n; i++)
        FUZZ_CHECK(b.node[i] == a.node[i] && b.threads[i] == a.threads[i]);
    return 0;
}
