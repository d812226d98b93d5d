// Entry point: the memory profile first, then the app (app/run.ts; app/create-listener.ts is the
// composition root). ESM loads and compiles every statically imported module before it runs the
// first one, and V8 starts optimizing the loader itself while it does; imported statically, the
// app's ~300 modules would load before memory.ts could set the flags (measured: ~9 MB more RSS
// that way, 72 instead of 63 MB idle). Hence the dynamic import.
import './memory.js';
await (await import('./app/run.js')).run();
