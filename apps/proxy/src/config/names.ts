/**
 * Upstream-compatible names (dfp-reference 5.2), so users' docs and mental model still apply:
 * backends `<aclName>-be<port>_<index>`, ACLs `url_<aclName><port>_<index>` and friends.
 */

export const backendName = (aclName: string, port: number, index: number): string =>
  `${aclName}-be${port}_${index}`;
export const httpsBackendName = (aclName: string, httpsPort: number, index: number): string =>
  `https-${aclName}-be${httpsPort}_${index}`;
export const serviceUserlist = (aclName: string): string => `${aclName}Users`;
export const serviceRealm = (aclName: string): string => `${aclName}Realm`;

export const DEFAULT_USERLIST = 'defaultUsers';
export const DEFAULT_REALM = 'defaultRealm';
export const STATS_BACKEND = 'stats';
export const SERVICES_FRONTEND = 'services';
export const RESOLVERS = 'docker';

/** Map files in configDir, referenced by absolute path from haproxy.cfg. */
export const MAP_FILES = {
  /** `<host><path>` (host lower-cased, port stripped) -> backend, map_beg: exact domain + path prefix. */
  hostPaths: 'hostpaths.map',
  /** `<path>` -> backend, map_beg: path prefix on any host. */
  paths: 'paths.map',
  /** `<host>` -> backend, map_str: exact domain, any path. */
  hosts: 'hosts.map',
} as const;
export const CRT_LIST_FILE = 'crt-list.txt';
/** CA_FILE given as PEM (the dfp_ca_file secret) is written here, in configDir. */
export const CA_FILE_NAME = 'ca-file.pem';

/** Transaction variables holding each map's answer. */
export const MAP_VARS = {
  hostPath: 'txn.fp_hostpath',
  hostPaths: 'txn.fp_be_hostpath',
  paths: 'txn.fp_be_path',
  hosts: 'txn.fp_be_host',
} as const;

/** Upper bound of server-template slots per backend: memory and DNS answer size stay small. */
export const MAX_SERVER_SLOTS = 128;
