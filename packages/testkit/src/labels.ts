/**
 * The notify label (DF_NOTIFY_LABEL) of every listener the integration tests start, and of the
 * Swarm services they create. Never the demo's `com.df.notify`: a listener sees every service in
 * the Swarm, so with the default label a running `npm run demo` would route the tests' services
 * (several use /demo) and the tests' listeners would notify the demo's.
 */
export const TEST_NOTIFY_LABEL = 'org.flowproxy.test.notify';
