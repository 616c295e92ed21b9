import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/*
 * SQLite checkpoints off the request thread. In WAL mode a commit appends pages to the WAL and,
 * every ~1,000 pages, the committing connection copies them back into the database file and syncs
 * it: on a busy register that checkpoint ran inside a sale's commit, about 6% of the server's one
 * thread. A worker thread with a connection of its own now checkpoints every quarter second
 * (PASSIVE: it never waits for, nor blocks, the writer), and the process's connection keeps a far
 * larger threshold of its own, as the fallback should the worker fall behind or stop.
 */

const workerCode = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.file);
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or gone: the next tick tries again */ }
}, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/** The WAL threshold (pages) of the main connection while a checkpointer runs: 40 MiB. */
export const FALLBACK_CHECKPOINT_PAGES = 10_000;

export function startCheckpointer(file: string, everyMs = 250): Checkpointer {
  const worker = new Worker(workerCode, {
    eval: true,
    workerData: { file, everyMs, sqlite: createRequire(import.meta.url).resolve('better-sqlite3') },
  });
  // Never what keeps a process alive; a failed worker leaves the fallback threshold to do the work.
  worker.unref();
  worker.on('error', (err) => process.emitWarning(`SQLite checkpointer stopped: ${err.message}`));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      // Held while it stops: an unreferenced worker would let the process end mid-await.
      worker.ref();
      worker.postMessage('stop');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 2000)))]);
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}
