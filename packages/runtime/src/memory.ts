import { createRequire, Module } from 'node:module';
import v8 from 'node:v8';

/**
 * Memory profile shared by both control planes. Import it (through the app's `memory.ts`) before
 * anything else: ESM evaluates imports in order, so the flags and deferred modules are in place
 * before express, winston, dockerode or axios load. Measured on Node 20 (docs/ARCHITECTURE.md,
 * "Memory"): bare Node is ~41 MB RSS, of which ~35 MB are the node binary's own pages.
 *
 * Why flags set at run time, not on the command line: tests, the bench and users start the apps
 * with `node dist/main.js`, and the Dockerfiles too; flags that only work on the command line would
 * apply to some of those starts and not others. All three below are read by V8 when it decides,
 * not when the isolate is created, so `v8.setFlagsFromString` this early is enough (checked: the
 * numbers match the same flags given on the command line). `--max-semi-space-size` would not work
 * this way; `--semi-space-growth-factor=1` gives the same result (new space stays at its 1 MB start
 * size instead of growing to 2 x 16 MB under a burst, which it then keeps).
 *
 * - `--no-opt`: no TurboFan. It was the biggest single item: the optimizing compiler's zones
 *   (malloc arenas of its background threads, never given back) and its code pages in the binary
 *   cost 9-12 MB per process. These are I/O-bound control planes; Ignition + Sparkplug keep
 *   registering 1,000 services at the same wall time and +9% CPU (proxy, measured).
 * - `--optimize-for-size`: smaller old-generation growth steps and a memory reducer that acts.
 * - `--semi-space-growth-factor=1`: see above; scavenges stay sub-millisecond at this size.
 */
export const MEMORY_FLAGS: readonly string[] = ['--no-opt', '--optimize-for-size', '--semi-space-growth-factor=1'];

/** `--no-opt=x` -> `opt`, so `--opt` on the command line overrides our `--no-opt`. */
function flagName(flag: string): string {
  return flag.replace(/^--(no-)?/, '').replace(/=.*$/, '').replace(/_/g, '-');
}

/**
 * Sets MEMORY_FLAGS, except those the operator gave on the node command line (which win).
 * Returns the flags applied.
 */
export function applyMemoryFlags(execArgv: readonly string[] = process.execArgv): string[] {
  const given = new Set(execArgv.filter((a) => a.startsWith('--')).map(flagName));
  const applied = MEMORY_FLAGS.filter((f) => !given.has(flagName(f)));
  for (const f of applied) v8.setFlagsFromString(f);
  return applied;
}

/** What `require` of the module returns: a function (callable, constructible) or a plain object. */
export type ExportKind = 'function' | 'object';

export interface DeferredModule {
  /**
   * How to reach the module: a package resolved from the app, then each next step resolved from
   * the file before it, e.g. `['dockerode', './session']` or `['dockerode', 'docker-modem', './ssh']`.
   */
  readonly chain: readonly string[];
  readonly kind: ExportKind;
}

function resolveChain(from: string, chain: readonly string[]): string | undefined {
  let file = from;
  try {
    for (const spec of chain) file = createRequire(file).resolve(spec);
  } catch {
    return undefined;
  }
  return file === from ? undefined : file;
}

/**
 * A stand-in for `module.exports` that loads the real module on first use and forwards every
 * operation to it. The target's kind matches the real export so `typeof` answers the same.
 */
function lazyExports(kind: ExportKind, load: () => object): object {
  const get = (_t: object, key: PropertyKey): unknown => Reflect.get(load(), key);
  const common: ProxyHandler<object> = {
    get,
    set: (_t, key, value) => Reflect.set(load(), key, value),
    has: (_t, key) => Reflect.has(load(), key),
    deleteProperty: (_t, key) => Reflect.deleteProperty(load(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(load()),
  };
  if (kind === 'object') {
    return new Proxy(
      {},
      {
        ...common,
        ownKeys: () => Reflect.ownKeys(load()),
        getOwnPropertyDescriptor: (_t, key) => {
          const d = Reflect.getOwnPropertyDescriptor(load(), key);
          // A proxy may not report a non-configurable property its (empty) target lacks.
          return d && { ...d, configurable: true };
        },
      },
    );
  }
  return new Proxy(function deferred() {}, {
    ...common,
    apply: (_t, self, args) => Reflect.apply(load() as (...a: unknown[]) => unknown, self, args),
    construct: (_t, args) => Reflect.construct(load() as new (...a: unknown[]) => object, args),
  });
}

/**
 * Makes `require()` of each module return a lazy stand-in, so a dependency loaded only for a
 * feature we never use (dockerode's BuildKit sessions pull gRPC + protobuf, docker-modem's SSH
 * transport pulls ssh2, ...) costs nothing until something actually calls it; it then loads as
 * usual. Only CommonJS `require` sees the stand-in (it is seeded into `require.cache`); a module
 * already loaded, or one that cannot be resolved (another layout or version), is left alone.
 * Returns the modules deferred, as `chain` joined with ' > '.
 */
export function deferModules(fromUrl: string, modules: readonly DeferredModule[]): string[] {
  const cache = createRequire(fromUrl).cache;
  const done: string[] = [];
  for (const m of modules) {
    const file = resolveChain(fromUrl, m.chain);
    if (file === undefined || cache[file] !== undefined) continue;
    let real: object | undefined;
    const load = (): object => {
      if (real === undefined) {
        delete cache[file];
        real = createRequire(file)(file) as object;
      }
      return real;
    };
    const stub = new Module(file);
    stub.filename = file;
    stub.loaded = true;
    stub.exports = lazyExports(m.kind, load);
    cache[file] = stub;
    done.push(m.chain.join(' > '));
  }
  return done;
}
