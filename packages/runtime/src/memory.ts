import { createRequire, Module } from 'node:module';
import v8 from 'node:v8';

/**
 * Memory profile shared by both control planes (targets: listener < 60 MB RSS, proxy < 80 MB at
 * 1,000 services). Each app's `memory.ts` runs it before the app's other modules load. Measured
 * with Node 20.20 on the dev machine: bare Node is ~41 MB RSS, ~35 MB of which are pages of the
 * node binary itself, and running the app code touches ~8 MB more of them, so the heap is what we
 * can act on.
 *
 * Why the flags are set at run time rather than on the command line: users, tests, the bench and
 * the Dockerfiles all start `node dist/main.js`; a command-line flag would apply to some of those
 * starts and not others. V8 reads these three when it decides, not when it creates the isolate, so
 * `v8.setFlagsFromString` early enough has the same effect (checked against the same flags given
 * on the command line). `--max-semi-space-size` is read only at start-up and does nothing here;
 * `--semi-space-growth-factor=1` does the same job: new space stays at its 1 MB start size instead
 * of growing to 2 x 16 MB in a burst and keeping that.
 *
 * - `--no-opt`: no TurboFan, the biggest single item (9-12 MB): its zones live in the malloc arenas
 *   of V8's worker threads, which glibc does not give back, and its code pages in the binary.
 *   Ignition + Sparkplug are enough for control planes that mostly wait on I/O.
 * - `--optimize-for-size`: conservative old-generation growth, a memory reducer that acts.
 * - `--semi-space-growth-factor=1`: see above.
 *
 * Cost, measured: the listener does not notice. The proxy at 2,000 services (the bench's 1,000
 * path + 1,000 domain services) goes from ~130 MB to ~70 MB, and one change costs ~0.35 s of CPU
 * instead of ~0.15-0.2 s (more GC and interpreted code; still under the 0.5 s target). Any of the
 * three given on the node command line (e.g. `node --opt dist/main.js`) overrides ours.
 */
export const MEMORY_FLAGS: readonly string[] = [
  '--no-opt',
  '--optimize-for-size',
  '--semi-space-growth-factor=1',
];

/** V8 flags that decide the same thing as one of ours (`--opt` is an alias of `--turbofan`). */
const SAME_AS: Readonly<Record<string, string>> = { turbofan: 'opt', 'max-opt': 'opt' };

/** `--no-opt`, `--turbofan`, `--max-opt=3` -> `opt`: any of them on the command line overrides ours. */
function flagName(flag: string): string {
  const name = flag
    .replace(/^--(no-)?/, '')
    .replace(/=.*$/, '')
    .replace(/_/g, '-');
  return SAME_AS[name] ?? name;
}

/** MEMORY_FLAGS minus those the operator gave on the node command line (`--opt`, ...), which win. */
export function memoryFlagsFor(execArgv: readonly string[]): string[] {
  const given = new Set(execArgv.filter((a) => a.startsWith('--')).map(flagName));
  return MEMORY_FLAGS.filter((f) => !given.has(flagName(f)));
}

/** Sets the memory flags this process should get (see memoryFlagsFor); returns them. */
export function applyMemoryFlags(execArgv: readonly string[] = process.execArgv): string[] {
  const applied = memoryFlagsFor(execArgv);
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
