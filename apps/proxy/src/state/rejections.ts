import type { ParamIssue } from '@flowproxy/protocol';
import type { ProxyErrorCode } from '../errors/catalogue.js';
import type { ServiceRejection } from '../config/model.js';

/** Why a service's last request was refused, as `config?type=json` lists it under `rejected`. */
export interface Rejection {
  readonly at: string;
  readonly status: number;
  readonly code: ProxyErrorCode;
  readonly source: ServiceRejection['source'];
  readonly message: string;
  readonly errors: readonly ParamIssue[];
}

/**
 * The services whose last request was refused, by name; the one place rejections are counted. The
 * gauge follows every change (so it is current from the start, saved services dropped at start
 * included); a later accepted change of the service clears its entry.
 */
export class Rejections implements ReadonlyMap<string, Rejection> {
  private readonly byName = new Map<string, Rejection>();

  constructor(private readonly gauge: { set(value: number): void }) {
    gauge.set(0);
  }

  record(serviceName: string, r: Omit<Rejection, 'at'>): void {
    this.byName.set(serviceName, { at: new Date().toISOString(), ...r });
    this.gauge.set(this.byName.size);
  }

  clear(serviceName: string): void {
    if (this.byName.delete(serviceName)) this.gauge.set(this.byName.size);
  }

  get(serviceName: string): Rejection | undefined {
    return this.byName.get(serviceName);
  }

  get size(): number {
    return this.byName.size;
  }

  has(serviceName: string): boolean {
    return this.byName.has(serviceName);
  }

  keys() {
    return this.byName.keys();
  }

  values() {
    return this.byName.values();
  }

  forEach(fn: (value: Rejection, key: string, map: ReadonlyMap<string, Rejection>) => void): void {
    this.byName.forEach((v, k) => fn(v, k, this));
  }

  entries() {
    return this.byName.entries();
  }

  [Symbol.iterator]() {
    return this.byName.entries();
  }
}
