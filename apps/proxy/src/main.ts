// Entry point: the memory profile first, then the app (app/run.ts; app/create-proxy.ts is the
// composition root). ESM loads and compiles every statically imported module before it runs the
// first one; imported statically, the app's modules would load before memory.ts could set the V8
// flags (about 5 MB more RSS). Hence the dynamic import.
import './memory.js';
await (await import('./app/run.js')).run();
