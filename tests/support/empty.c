/* Keeps the support library non-empty while it has no other file. */
extern int gi_test_support_present;
int gi_test_support_present;
