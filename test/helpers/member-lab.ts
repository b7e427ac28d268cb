/**
 * The membership tests' own lab (`member`, five machines) and cluster name
 * (`member`). Imported before test/helpers/etcd.ts, which reads both when
 * it loads; no other test touches them.
 */
process.env.EZPLAY_E2E_LAB = 'member';
process.env.EZPLAY_E2E_CLUSTER = 'member';
