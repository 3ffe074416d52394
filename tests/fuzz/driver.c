/* driver.c: runs a fuzz target over files and directories of inputs without libFuzzer (the corpus test of ordinary builds). */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feed the file at path to the target; false when it cannot be read. */
static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t cap = 4096, n = 0, k;
    uint8_t *buf = malloc(cap);
    while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (!buf)
        return 0;
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 1;
}

/* Run every file named on the command line, and every file in every directory named. Exit status 0 when every
 * input ran (a crash ends the process), 1 when an input could not be read or there was none. */
int main(int argc, char **argv)
{
    long inputs = 0, unreadable = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "driver: cannot read %s\n", argv[i]);
            unreadable++;
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            inputs += run_file(argv[i]);
            continue;
        }
        struct dirent **names;
        int n = scandir(argv[i], &names, NULL, alphasort);
        for (int k = 0; k < n; k++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], names[k]->d_name);
            if (names[k]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                if (run_file(path))
                    inputs++;
                else
                    unreadable++;
            }
            free(names[k]);
        }
        free(names);
    }
    printf("%ld inputs run, %ld unreadable\n", inputs, unreadable);
    return inputs > 0 && unreadable == 0 ? 0 : 1;
}
