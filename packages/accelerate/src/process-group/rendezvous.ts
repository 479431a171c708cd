/**
 * Rendezvous through the store (torch's env:// init): every rank claims its rank number and
 * checks the world size against rank 0's before any engine starts, so a duplicate rank, a
 * world-size mismatch or a missing rank is a clear error on every rank, never a hang.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { CollectiveError } from '../errors.js';
import type { TcpStoreClient } from '../store/tcp-store-client.js';

const ABORT_KEY = 'rendezvous/abort';
/** How often a waiting rank looks for an abort posted by another rank. */
const POLL_MS = 250;

/** Who holds a rank: enough to tell two claimants apart in an error message. */
function claimant(): string {
  return `pid ${process.pid} on ${hostname()} (${randomUUID().slice(0, 8)})`;
}

async function abort(store: TcpStoreClient, message: string, ranks: number[]): Promise<never> {
  await store.set(ABORT_KEY, message).catch(() => undefined);
  throw new CollectiveError(message, ranks);
}

/** Claims `rank`, checks the world size, and waits until every rank of `worldSize` has arrived. */
export async function rendezvous(
  store: TcpStoreClient,
  rank: number,
  worldSize: number,
  timeoutMs: number,
): Promise<void> {
  const me = claimant();
  const holder = (await store.compareSet(`rendezvous/rank/${rank}`, '', me)).toString('utf8');
  if (holder !== me) {
    await abort(
      store,
      `rendezvous: rank ${rank} was started twice (held by ${holder}, claimed again by ${me}); every process needs its own RANK`,
      [rank],
    );
  }
  const sizeKey = 'rendezvous/world_size';
  if (rank === 0) await store.set(sizeKey, String(worldSize));
  const rankZeroSize = Number((await store.get(sizeKey, timeoutMs)).toString('utf8'));
  if (rankZeroSize !== worldSize) {
    await abort(
      store,
      `rendezvous: rank ${rank} has WORLD_SIZE=${worldSize} but rank 0 has WORLD_SIZE=${rankZeroSize}; start every rank with the same world size`,
      [rank],
    );
  }
  if (rank >= rankZeroSize) {
    await abort(store, `rendezvous: rank ${rank} is not in [0, ${rankZeroSize})`, [rank]);
  }
  // A rank marks itself ready only after its own checks passed; one that failed posted the abort
  // instead and never marks, so nobody completes the wait below without seeing the abort.
  await store.set(`rendezvous/ready/${rank}`, me);
  const keys = Array.from({ length: worldSize }, (_, r) => `rendezvous/ready/${r}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    if (await store.wait(keys, Math.max(1, Math.min(POLL_MS, left)))) break;
    const aborted = await store.tryGet(ABORT_KEY);
    if (aborted !== undefined) throw new CollectiveError(aborted.toString('utf8'));
    if (Date.now() >= deadline) {
      const missing: number[] = [];
      for (let r = 0; r < worldSize; r++) if (!(await store.check([keys[r]!]))) missing.push(r);
      throw new CollectiveError(
        `rendezvous: rank(s) ${missing.join(', ')} of ${worldSize} did not join within ${timeoutMs} ms`,
        missing,
      );
    }
  }
}
