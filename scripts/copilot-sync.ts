// npm run copilot:sync [-- --check]
// Rewrites the topology-owned blocks of the Copilot manifests (backend-outbox's topics, each
// worker's queue timeout, dead-letter tries and subscriptions) from the topology declared in code,
// then formats them with prettier. `--check` changes nothing and exits 1 when a manifest differs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import prettier from 'prettier';
import type { Topology } from '../src/platform/bus/topology-types.ts';
import { syncManifestText } from '../src/platform/deploy/topology-sync.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const check = process.argv.includes('--check');
// Loaded by path: the declaration belongs to the event backbone (src/platform/bus/).
const topologyFile = path.join(root, 'src/platform/bus/topology.ts');
if (!fs.existsSync(topologyFile)) {
  process.stderr.write(
    'copilot:sync: src/platform/bus/topology.ts does not exist yet; nothing to sync from\n',
  );
  process.exit(1);
}
const mod = (await import(pathToFileURL(topologyFile).href)) as { topology?: Topology; default?: Topology };
const topology = mod.topology ?? mod.default;
if (!topology) {
  process.stderr.write('copilot:sync: src/platform/bus/topology.ts exports no `topology`\n');
  process.exit(1);
}

const copilot = path.join(root, 'copilot');
const folders = fs.readdirSync(copilot).filter((d) => fs.existsSync(path.join(copilot, d, 'manifest.yml')));
const workers = folders.filter((d) => d.startsWith('worker-'));
const differing: string[] = [];
for (const folder of folders) {
  const file = path.join(copilot, folder, 'manifest.yml');
  const before = fs.readFileSync(file, 'utf8');
  const synced = syncManifestText(before, topology, workers);
  const after = await prettier.format(synced, { ...(await prettier.resolveConfig(file)), filepath: file });
  if (after === before) continue;
  differing.push(path.relative(root, file));
  if (!check) fs.writeFileSync(file, after);
}
process.stdout.write(
  differing.length
    ? `${check ? 'out of date' : 'updated'}: ${differing.join(', ')}\n`
    : 'copilot manifests match the topology\n',
);
process.exit(check && differing.length ? 1 : 0);
