// Two "nodes" of 2 ranks each, in two network namespaces joined by a veth pair on a private
// test subnet (10.213.7.0/24, inside the namespaces only): ner-launch with --nnodes 2 on each,
// rank 0's store bound to node 0's address, gloo across the link. Needs root and `ip`.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGloo } from '../src/backends/gloo-addon.js';
import { concatArrays, reduceArrays } from './fixtures/collective-math.js';
import { makeTempDir, removeTempDirs } from './temp-dirs.js';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '..', 'dist', 'ner-launch.js');
const worker = join(here, 'fixtures', 'collectives-worker.mjs');
const tag = String(process.pid % 100_000);
const nodes = [
  { ns: `ner-node0-${tag}`, veth: `nerva${tag}`, address: '10.213.7.1' },
  { ns: `ner-node1-${tag}`, veth: `nervb${tag}`, address: '10.213.7.2' },
];

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

/** Why the namespaces cannot be made here, or undefined when they can. */
function whyNot(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces are Linux only';
  if (process.getuid?.() !== 0) return 'making network namespaces needs root';
  try {
    execFileSync('ip', ['-V'], { stdio: 'pipe' });
  } catch {
    return 'the `ip` command (iproute2) is not installed';
  }
  if (!loadGloo().available) return `gloo is unavailable: ${(loadGloo() as { reason: string }).reason}`;
  try {
    ip('netns', 'add', nodes[0]!.ns);
    ip('netns', 'del', nodes[0]!.ns);
  } catch (error) {
    return `ip netns add failed: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
  }
  return undefined;
}

const reason = whyNot();
if (reason) console.warn(`two-node test skipped: ${reason}`);

function cleanUp(): void {
  for (const node of nodes) {
    try {
      ip('netns', 'del', node.ns);
    } catch {
      // not made, or already gone
    }
  }
  removeTempDirs();
}

/** Runs one node's ner-launch inside its namespace; resolves with its exit code and output. */
function runNode(nodeRank: number, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('ip', ['netns', 'exec', nodes[nodeRank]!.ns, process.execPath, bin, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // The machine running the tests may be loaded: give the rendezvous and collectives room.
      env: { ...process.env, NER_COLLECTIVE_TIMEOUT_MS: '90000' },
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe.skipIf(reason !== undefined)('two nodes in network namespaces', () => {
  beforeAll(() => {
    if (!existsSync(bin))
      throw new Error('run `npx tsup` in packages/accelerate first (the test runs dist/ner-launch.js)');
    cleanUp();
    for (const node of nodes) {
      ip('netns', 'add', node.ns);
      ip('-n', node.ns, 'link', 'set', 'lo', 'up');
    }
    ip(
      'link',
      'add',
      nodes[0]!.veth,
      'netns',
      nodes[0]!.ns,
      'type',
      'veth',
      'peer',
      'name',
      nodes[1]!.veth,
      'netns',
      nodes[1]!.ns,
    );
    for (const node of nodes) {
      ip('-n', node.ns, 'addr', 'add', `${node.address}/24`, 'dev', node.veth);
      ip('-n', node.ns, 'link', 'set', node.veth, 'up');
    }
  });
  afterAll(cleanUp);

  it('4 ranks on 2 nodes: every collective equals the single-process computation', async () => {
    const out = makeTempDir('ner-2nodes-');
    const common = [
      '--nnodes',
      '2',
      '--nproc-per-node',
      '2',
      '--master-addr',
      nodes[0]!.address,
      '--master-port',
      '29517',
      '--rdzv-secret',
      `secret-${tag}`,
      '--backend',
      'gloo',
    ];
    const results = await Promise.all([
      runNode(0, [...common, '--node-rank', '0', worker, 'all', out]),
      runNode(1, [...common, '--node-rank', '1', worker, 'all', out]),
    ]);
    for (const r of results) expect(r.code, r.output).toBe(0);
    const input = (rank: number, length: number) =>
      Float32Array.from({ length }, (_, i) => (rank + 1) * (i + 1));
    const ranks = [0, 1, 2, 3];
    for (const r of ranks) {
      const got = JSON.parse(readFileSync(join(out, `rank-${r}.json`), 'utf8'));
      expect(got['f32.sum']).toEqual([
        ...reduceArrays(
          ranks.map((q) => input(q, 5)),
          'sum',
        ),
      ]);
      expect(got['i32.max']).toEqual([3, 0, 7]);
      // Two hosts (network and mount namespaces): gloo's TCP, never the shared-memory path.
      expect(got.transport).toBe('tcp');
      expect(got.allGather).toEqual([...concatArrays(ranks.map((q) => input(q, 2)))]);
      expect(got.allGatherUneven).toEqual(ranks.map((q) => Array(q + 1).fill(q)));
      expect(got.broadcast).toEqual([30, 7]);
    }
  }, 120_000);

  it('several nodes without a shared secret: ner-launch refuses to start', async () => {
    const result = await runNode(1, [
      '--nnodes',
      '2',
      '--node-rank',
      '1',
      '--nproc-per-node',
      '1',
      '--master-addr',
      nodes[0]!.address,
      worker,
      'all',
      '.',
    ]);
    expect(result.code).toBe(2);
    expect(result.output).toMatch(/several nodes need one shared secret/);
  });
});
