/* jsonq — print a value from a JSON file, for the shell tests.
 * Usage: jsonq FILE [KEY ...]   (a KEY that is all digits indexes an array)
 * Prints strings bare, other values as compact JSON; "length" of an
 * array/object with the key "#". Exit 0, 1 if the path is absent, 2 if the
 * file does not parse. */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: jsonq FILE [KEY ...]\n");
        return 2;
    }
    json_error_t e;
    json_t *root = json_load_file(argv[1], 0, &e), *v = root;
    if (!root) {
        fprintf(stderr, "jsonq: %s:%d: %s\n", argv[1], e.line, e.text);
        return 2;
    }
    for (int i = 2; i < argc && v; i++) {
        if (!strcmp(argv[i], "#")) {
            printf("%zu\n", json_is_array(v) ? json_array_size(v) : json_object_size(v));
            json_decref(root);
            return 0;
        }
        if (json_is_array(v) && isdigit((unsigned char)argv[i][0]))
            v = json_array_get(v, strtoul(argv[i], NULL, 10));
        else
            v = json_object_get(v, argv[i]);
    }
    if (!v) {
        json_decref(root);
        return 1;
    }
    if (json_is_string(v)) {
        puts(json_string_value(v));
    } else {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        puts(s);
        free(s);
    }
    json_decref(root);
    return 0;
}
