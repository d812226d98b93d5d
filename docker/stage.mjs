#!/usr/bin/env node
// Prepares the build context of one app image without the network: the app's dist/ and
// package.json, its workspace packages (dist/ + package.json) and exactly the production
// dependency closure taken from the root node_modules, resolved through package-lock.json the
// way Node resolves them (nearest node_modules first). `npm ci --omit=dev` would need a
// registry and a second install per app; copying what is already installed takes a second.
//
//   node docker/stage.mjs <app-dir, e.g. apps/proxy> <staging dir>
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [appDir, outDir] = process.argv.slice(2);
if (!appDir || !outDir) {
  console.error('usage: node docker/stage.mjs <apps/name> <staging dir>');
  process.exit(2);
}

const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
/** @type {Record<string, {link?: boolean, resolved?: string, dev?: boolean, dependencies?: Record<string,string>, optionalDependencies?: Record<string,string>, peerDependencies?: Record<string,string>}>} */
const pkgs = lock.packages;

/** Lock key of `name` as required from the package at lock key `from` (Node's upward lookup). */
function resolveDep(from, name) {
  let dir = from;
  for (;;) {
    const key = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (pkgs[key]) return key;
    if (!dir) return undefined;
    // Step out of ".../node_modules/<pkg>" (scoped packages have two segments) or a workspace dir.
    const idx = dir.lastIndexOf('/node_modules/');
    dir = idx >= 0 ? dir.slice(0, idx) : '';
  }
}

const workspaces = new Set(); // lock keys of workspace package dirs, e.g. packages/protocol
const thirdParty = new Set(); // lock keys under node_modules
const queue = [appDir];
while (queue.length) {
  const from = queue.shift();
  const entry = pkgs[from];
  if (!entry) throw new Error(`not in package-lock.json: ${from} (run npm install at the root)`);
  const deps = { ...entry.dependencies, ...entry.optionalDependencies, ...entry.peerDependencies };
  for (const name of Object.keys(deps)) {
    const key = resolveDep(from, name);
    if (!key) {
      if (entry.optionalDependencies?.[name] || entry.peerDependencies?.[name]) continue;
      throw new Error(`${from} needs ${name}, which is not installed`);
    }
    const target = pkgs[key];
    if (target.link) {
      if (!workspaces.has(target.resolved)) {
        workspaces.add(target.resolved);
        queue.push(target.resolved);
      }
    } else if (!thirdParty.has(key)) {
      thirdParty.add(key);
      queue.push(key);
    }
  }
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const copyPkg = (src, dst) =>
  cpSync(src, dst, {
    recursive: true,
    dereference: true,
    // Nested node_modules are staged separately (only the production ones); tests/maps are dead weight.
    filter: (p) => p !== join(src, 'node_modules') && !p.endsWith('.map') && !p.endsWith('.d.ts'),
  });

copyPkg(join(root, appDir, 'dist'), join(outDir, 'dist'));
writeFileSync(join(outDir, 'package.json'), readFileSync(join(root, appDir, 'package.json')));
for (const ws of workspaces) {
  const { name } = JSON.parse(readFileSync(join(root, ws, 'package.json'), 'utf8'));
  const dst = join(outDir, 'node_modules', ...name.split('/'));
  if (!existsSync(join(root, ws, 'dist'))) throw new Error(`${ws}/dist missing: run npm run build`);
  copyPkg(join(root, ws, 'dist'), join(dst, 'dist'));
  writeFileSync(join(dst, 'package.json'), readFileSync(join(root, ws, 'package.json')));
}
for (const key of [...thirdParty].sort()) {
  // Hoisted under a workspace (apps/x/node_modules/y) -> the app's own node_modules in the image.
  const rel = key.replace(/^(apps|packages)\/[^/]+\//, '');
  copyPkg(join(root, key), join(outDir, ...rel.split(posix.sep)));
}
console.log(`staged ${appDir}: ${workspaces.size} workspace packages, ${thirdParty.size} dependencies`);
