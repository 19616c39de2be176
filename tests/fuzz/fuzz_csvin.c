/* fuzz_csvin.c — a result CSV read back (cxs_table_load, common/csvin.h):
 * a table that loads has unique column names, every cell is there, and
 * the accessors (get, num, col, require) stay inside it. */
#include <math.h>

#include "csvin.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    struct cxs_table t;
    char err[2048] = "";
    if (cxs_table_load(fuzz_file(data, len), &t, err, sizeof err)) {
        FUZZ_CHECK(err[0] && t.cols == NULL && t.cells == NULL);
        return 0;
    }
    FUZZ_CHECK(t.nrows == 0 || t.ncols > 0);
    for (size_t c = 0; c < t.ncols; c++)
        FUZZ_CHECK(cxs_table_col(&t, t.cols[c]) == (int)c);
    for (size_t r = 0; r < t.nrows; r++)
        for (size_t c = 0; c < t.ncols; c++) {
            const char *cell = cxs_table_get(&t, r, (int)c);
            double v;
            FUZZ_CHECK(cell != NULL);
            if (cxs_table_num(&t, r, (int)c, &v, err, sizeof err) == 0)
                FUZZ_CHECK(isfinite(v));
            else
                FUZZ_CHECK(err[0]);
        }
    FUZZ_CHECK(*cxs_table_get(&t, t.nrows, 0) == '\0' && *cxs_table_get(&t, 0, -1) == '\0');
    FUZZ_CHECK(*cxs_table_get(&t, 0, (int)t.ncols) == '\0');
    static const char *const need[] = {"node", "size", NULL};
    if (cxs_table_require(&t, need, 1, err, sizeof err) == 0)
        FUZZ_CHECK(t.nrows >= 1 && cxs_table_col(&t, "node") >= 0);
    cxs_table_free(&t);
    return 0;
}
