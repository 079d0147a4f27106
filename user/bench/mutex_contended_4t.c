/* mutex_contended_4t: 4 threads contend for one pthread mutex; see
 * lib/contend.c. op = one lock + increment + unlock. */
#include "bench.h"

int main(int argc, char **argv) { mutex_contended_main(argc, argv, "mutex_contended_4t", 4); }
