/* true: the tiny static program the exec benchmarks start. */
int main(void) { return 0; }
