// perfl dev driver (not committed)
import { swarmChain } from './sections/swarm-chain.js';
async function main(): Promise<void> {
  const which = process.argv[2] ?? 'chain';
  const n = Number(process.argv[3] ?? '5');
  if (which === 'chain') {
    const s = await swarmChain({ services: n });
    console.log(JSON.stringify(s, null, 1));
  }
}
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
import { listenerScale } from './sections/listener-scale.js';
export async function scale(): Promise<void> {
  const sizes = (process.argv[3] ?? '1000').split(',').map(Number);
  console.log(JSON.stringify(await listenerScale({ sizes, passes: 3, changes: 5 }), null, 1));
}
if (process.argv[2] === 'scale') void scale();
import { stackUp } from './sections/stack-up.js';
if (process.argv[2] === 'up')
  void stackUp({ rounds: Number(process.argv[3] ?? 1), services: 3 }).then((s) =>
    console.log(JSON.stringify(s, null, 1)),
  );
