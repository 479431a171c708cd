#!/usr/bin/env node
// All-reduce bandwidth of @ner/trainer's loopback TCP process group (star through rank 0),
// against a peer measured in the same run: one raw TCP stream of the same bytes over loopback.
// Usage: node tools/bench/trainer-allreduce.mjs [numProcesses=2] [megabytes=16]
import { connect, createServer } from 'node:net';

const trainer = await import('../../packages/trainer/dist/index.js');
const { ProcessGroup, findFreePort, launch } = trainer;

const REPEATS = 8;

if (process.argv[2] === '--worker') {
  const megabytes = Number(process.argv[3]);
  const group = await ProcessGroup.fromEnv();
  const values = new Float32Array((megabytes * 2 ** 20) / 4).fill(group.rank + 1);
  await group.allReduce(values, 'mean'); // warm-up
  await group.barrier();
  const start = performance.now();
  for (let i = 0; i < REPEATS; i++) await group.allReduce(values, 'mean');
  const seconds = (performance.now() - start) / 1000;
  if (group.rank === 0) console.log(JSON.stringify({ seconds, bytes: values.byteLength * REPEATS }));
  await group.barrier();
  await group.close();
  process.exit(0);
}

async function rawTcp(bytes) {
  const port = await findFreePort();
  const payload = Buffer.alloc(bytes, 1);
  return new Promise((resolve) => {
    const server = createServer((socket) => {
      let got = 0;
      const start = performance.now();
      socket.on('data', (d) => {
        got += d.length;
        if (got >= bytes * REPEATS) {
          const seconds = (performance.now() - start) / 1000;
          socket.end();
          server.close();
          resolve(seconds);
        }
      });
    });
    server.listen(port, '127.0.0.1', () => {
      const client = connect({ host: '127.0.0.1', port }, () => {
        for (let i = 0; i < REPEATS; i++) client.write(payload);
        client.end();
      });
    });
  });
}

const numProcesses = Number(process.argv[2] ?? 2);
const megabytes = Number(process.argv[3] ?? 16);
const result = await launch({
  numProcesses,
  script: new URL(import.meta.url).pathname,
  args: ['--worker', String(megabytes)],
  stdio: 'pipe',
});
const { seconds, bytes } = JSON.parse(result.stdout[0].trim().split('\n').pop());
const rawSeconds = await rawTcp(megabytes * 2 ** 20);
const mbps = bytes / seconds / 2 ** 20;
const rawMbps = (megabytes * 2 ** 20 * REPEATS) / rawSeconds / 2 ** 20;
console.log(
  `all-reduce (mean) of ${megabytes} MiB float32 across ${numProcesses} processes, ${REPEATS} rounds`,
);
console.log(
  `  ner ProcessGroup: ${((seconds / REPEATS) * 1000).toFixed(1)} ms per all-reduce, ${mbps.toFixed(0)} MiB/s (buffer size / time)`,
);
console.log(`  raw loopback TCP, one stream, same bytes: ${rawMbps.toFixed(0)} MiB/s`);
console.log(`  ratio all-reduce / raw stream: ${(mbps / rawMbps).toFixed(2)}`);
