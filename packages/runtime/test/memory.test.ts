import { describe, it, expect } from '@jest/globals';
import { MEMORY_FLAGS, memoryFlagsFor } from '../src/memory.js';

// deferModules needs Node's own require cache, which jest replaces: it is tested against the real
// listener process in apps/swarm-listener/test/integration/memory.test.ts.
describe('memoryFlagsFor', () => {
  it('applies every flag when the command line has none', () => {
    expect(memoryFlagsFor([])).toEqual([...MEMORY_FLAGS]);
    expect(memoryFlagsFor(['--enable-source-maps', '-e'])).toEqual([...MEMORY_FLAGS]);
  });

  it('leaves a flag the operator set, in either polarity or spelling, to the operator', () => {
    expect(memoryFlagsFor(['--opt'])).toEqual(['--optimize-for-size', '--semi-space-growth-factor=1']);
    expect(memoryFlagsFor(['--semi_space_growth_factor=4'])).toEqual(['--no-opt', '--optimize-for-size']);
    expect(memoryFlagsFor(['--turbofan'])).toEqual(['--optimize-for-size', '--semi-space-growth-factor=1']);
    expect(memoryFlagsFor(['--max-opt=3', '--no-optimize-for-size'])).toEqual([
      '--semi-space-growth-factor=1',
    ]);
  });
});
