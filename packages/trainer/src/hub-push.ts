/**
 * The Trainer's side of the Hub, as transformers' Trainer does it: the repo is
 * created when the Trainer is built (`init_hf_repo`), saves push in the
 * background per `hubStrategy` (`_push_from_checkpoint`), the end of `train()`
 * waits for the push still running (`_finish_current_push`), and `pushToHub()`
 * saves the model, writes the card and uploads the output folder.
 *
 * Pushes run one at a time, after training has written what they upload:
 * a save stages its checkpoint (hard links, or copies where links fail) under
 * `outputDir/_hub-push-*` and returns, so training waits for a few links, never
 * for an upload, and a checkpoint deleted by `saveTotalLimit` while its push
 * runs is still whole in the staging folder.
 */
import { copyFile, link, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { type CommitInfo, createRepo, uploadFolder } from '@ner/hub';
import { processMayBeAlive } from '@ner/models/internal';
import type { CallbackHandler } from './callbacks.js';
import { CHECKPOINT_FILES } from './checkpoint.js';
import { HubPushError } from './hub-errors.js';
import { type ModelCardOptions, type ModelCardSource, writeTrainerModelCard } from './hub-model-card.js';
import { checkMethodOptionNames } from './method-option-names.js';
import { quiet } from './logging-callbacks.js';

/** Options of `trainer.pushToHub()` (Python `push_to_hub`'s arguments and `create_model_card`'s). */
export interface PushToHubOptions extends ModelCardOptions {
  /** ['End of training'] */
  readonly commitMessage?: string;
  /**
   * Wait for the upload [true]. With false the call returns once the model and its card are saved;
   * the upload runs in the background and `train()`, the next `pushToHub()` or
   * `trainer.hub.waitForPush()` waits for it (and rejects if it failed).
   */
  readonly blocking?: boolean;
  /** [args.hubToken, else `$HF_TOKEN` or the saved login] */
  readonly token?: string;
  /** The branch to push to ['main']. */
  readonly revision?: string;
}

/** What the pusher needs from the Trainer. */
export interface HubPushHost extends ModelCardSource {
  readonly accelerator: { readonly numProcesses: number; readonly isMainProcess: boolean };
  /** `Trainer.saveModel()` into outputDir (model, tokenizer, training_args.json, README.md). */
  saveModel(): Promise<void>;
}

/**
 * What an output-folder push leaves out: Python's `_*` and `checkpoint-*`, plus the temporary names our
 * atomic writes use (`.tmp-checkpoint-N-*` folders, `.name.tmp-*` files, `*.hub-tmp`), which a save running
 * beside a background push may create and rename away while the push lists the folder.
 */
export const OUTPUT_DIR_IGNORE = ['_*', 'checkpoint-*', '.tmp-*', '.*.tmp-*', '*.hub-tmp'] as const;
const STAGING_PREFIX = '_hub-push-';
/** Checkpoint files that describe the run, not the model: not copied into outputDir (as Python). */
const RUN_STATE_FILES: ReadonlySet<string> = new Set([
  CHECKPOINT_FILES.optimizer,
  CHECKPOINT_FILES.optimizerMeta,
  CHECKPOINT_FILES.scheduler,
  CHECKPOINT_FILES.rng,
  CHECKPOINT_FILES.trainerState,
]);

interface PushJob {
  /** What it pushes, for messages. */
  readonly what: string;
  readonly folder: string;
  /** A save's push may be replaced by a newer save's while it waits (unless hubAlwaysPush). */
  readonly replaceable: boolean;
  run(): Promise<unknown>;
  discard(): Promise<void>;
}

/** Hard-links (or copies) every file of `source` into `target`, folders included. */
async function linkTree(source: string, target: string): Promise<void> {
  await mkdir(target, { recursive: true });
  for (const entry of await readdir(source, { withFileTypes: true })) {
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    if (entry.isDirectory()) await linkTree(from, to);
    else if (entry.isFile()) await link(from, to).catch(() => copyFile(from, to));
  }
}

/** A stale staging folder's process: `_hub-push-<pid>-<n>`; folders of processes still alive stay. */
function ownerIsGone(name: string): boolean {
  const pid = Number(name.slice(STAGING_PREFIX.length).split('-')[0]);
  return !Number.isSafeInteger(pid) || pid <= 0 || !processMayBeAlive(pid);
}

/** One Trainer's pushes: the repo, the queue of uploads and the last failure. */
export class HubPusher {
  /** `namespace/name` of the repo, once created. */
  repoId: string | undefined;
  /** What the card says beyond what the Trainer knows (the last `pushToHub`/`createModelCard` options). */
  cardOptions: ModelCardOptions = {};
  private readonly waiting: PushJob[] = [];
  private running: Promise<void> | undefined;
  private lastFailure: HubPushError | undefined;
  private failures = 0;
  private stagingCount = 0;

  constructor(private readonly host: HubPushHost) {}

  private auth(token = this.host.args.hubToken): { token?: string } {
    return token === undefined ? {} : { token };
  }

  /**
   * The Trainer's constructor: with `pushToHub`, starts creating the repo (Python's `init_hf_repo`).
   * Returns a promise of that and of `initHooks` (async `onInitEnd` callbacks), already guarded against
   * an unhandled rejection (the Trainer awaits it before training), or undefined when nothing runs.
   */
  initIfPushing(initHooks: ReturnType<CallbackHandler['dispatch']>): Promise<void> | undefined {
    const repo = this.host.args.pushToHub ? this.initRepo() : undefined;
    if (repo === undefined && !initHooks) return undefined;
    const pending = Promise.all([repo, initHooks]).then(() => undefined);
    pending.catch(() => undefined);
    return pending;
  }

  /** Python `init_hf_repo`: creates the repo (existOk) on the main process and records its id. */
  async initRepo(token?: string): Promise<string | undefined> {
    const { args } = this.host;
    if (!this.host.accelerator.isMainProcess) return undefined;
    const name = args.hubModelId ?? basename(resolve(args.outputDir));
    const repo = await createRepo(name, { private: args.hubPrivateRepo, existOk: true, ...this.auth(token) });
    this.repoId = repo.repoId;
    await this.removeStaleStaging();
    return this.repoId;
  }

  private async removeStaleStaging(): Promise<void> {
    const entries = await readdir(this.host.args.outputDir).catch(() => [] as string[]);
    for (const name of entries) {
      if (name.startsWith(STAGING_PREFIX) && ownerIsGone(name))
        await rm(join(this.host.args.outputDir, name), { recursive: true, force: true });
    }
  }

  /** Writes README.md into `dir` from the Trainer's state and {@link cardOptions}. */
  async writeCard(dir: string = this.host.args.outputDir): Promise<string | undefined> {
    if (!this.host.accelerator.isMainProcess) return undefined;
    return writeTrainerModelCard(dir, this.host, this.cardOptions);
  }

  /** Python `create_model_card`: remembers `options` for later cards and writes README.md into outputDir. */
  async createModelCard(options: ModelCardOptions = {}): Promise<string | undefined> {
    checkMethodOptionNames(options, 'hub.createModelCard');
    this.cardOptions = { ...options };
    return this.writeCard();
  }

  /** After a checkpoint was written: stages it and queues its push per `hubStrategy`. */
  async afterCheckpoint(checkpointDir: string): Promise<void> {
    const { args, state } = this.host;
    if (!args.pushToHub || args.hubStrategy === 'end' || this.repoId === undefined) return;
    const step = state.globalStep;
    const message =
      args.saveStrategy === 'steps'
        ? `Training in progress, step ${step}`
        : `Training in progress, epoch ${Math.trunc(state.epoch)}`;
    this.stagingCount += 1;
    const staging = join(args.outputDir, `${STAGING_PREFIX}${process.pid}-${this.stagingCount}`);
    const what = `${basename(checkpointDir)} (${message})`;
    try {
      await linkTree(checkpointDir, staging);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      this.recordFailure(what, checkpointDir, error);
      return;
    }
    this.enqueue({
      what,
      folder: staging,
      replaceable: !args.hubAlwaysPush,
      run: () => this.pushSave(staging, basename(checkpointDir), message),
      discard: () => rm(staging, { recursive: true, force: true }),
    });
  }

  /** `_push_from_checkpoint`'s uploads: the model files through outputDir, then the checkpoint if asked. */
  private async pushSave(staging: string, checkpointName: string, message: string): Promise<void> {
    const { args } = this.host;
    const repoId = this.repoId as string;
    for (const entry of await readdir(staging, { withFileTypes: true })) {
      if (!entry.isFile() || RUN_STATE_FILES.has(entry.name)) continue;
      // Copied under a temporary name and renamed: a reader of outputDir never sees half a file.
      const target = join(args.outputDir, entry.name);
      const temporary = `${target}.${process.pid}.hub-tmp`;
      await copyFile(join(staging, entry.name), temporary);
      await rename(temporary, target);
    }
    await this.writeCard();
    const common = { progress: false as const, ...this.auth() };
    await uploadFolder(repoId, args.outputDir, {
      ...common,
      commitMessage: message,
      ignorePatterns: [...OUTPUT_DIR_IGNORE],
    });
    if (args.hubStrategy === 'checkpoint' || args.hubStrategy === 'all_checkpoints') {
      await uploadFolder(repoId, staging, {
        ...common,
        commitMessage: `${message}, checkpoint`,
        pathInRepo: args.hubStrategy === 'checkpoint' ? 'last-checkpoint' : checkpointName,
      });
    }
  }

  private enqueue(job: PushJob): void {
    if (job.replaceable) {
      // The newest save supersedes a save still waiting (Python skips saves while a push runs).
      for (const [index, old] of [...this.waiting.entries()].reverse()) {
        if (!old.replaceable) continue;
        this.waiting.splice(index, 1);
        void old.discard().catch(() => undefined);
      }
    }
    this.waiting.push(job);
    this.running ??= this.drain();
  }

  private async drain(): Promise<void> {
    try {
      for (let job = this.waiting.shift(); job !== undefined; job = this.waiting.shift()) {
        try {
          await job.run();
          this.lastFailure = undefined;
        } catch (error) {
          this.recordFailure(job.what, job.folder, error);
        } finally {
          await job.discard().catch(() => undefined);
        }
      }
    } finally {
      this.running = undefined;
    }
  }

  /** A failed push: warned about once per run (training goes on); the newest failure is kept. */
  private recordFailure(what: string, folder: string, error: unknown): void {
    const repoId = this.repoId ?? '(no repo)';
    this.failures += 1;
    this.lastFailure = new HubPushError(
      `Pushing ${what} to ${repoId} failed: ${(error as Error)?.message ?? String(error)}. ` +
        `The files are saved in ${this.host.args.outputDir}; trainer.pushToHub() uploads them again.`,
      repoId,
      folder,
      error,
    );
    if (this.failures === 1 && !quiet(this.host.args)) {
      console.warn(
        `${this.lastFailure.message} Training goes on; later failures of this run are not repeated.`,
      );
    }
  }

  /** Waits until no push is running or waiting. */
  private async settle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  /** The end of `train()`: {@link waitForPush}, then the training's output. */
  async afterTraining<T>(output: T): Promise<T> {
    await this.waitForPush();
    return output;
  }

  /**
   * Waits for the pushes running or waiting (Python `_finish_current_push`), then throws the
   * {@link HubPushError} of the last one if it failed; an earlier failure that a later push made
   * good is forgotten. The end of `train()` calls it.
   */
  async waitForPush(): Promise<void> {
    await this.settle();
    const failure = this.lastFailure;
    this.lastFailure = undefined;
    this.failures = 0;
    if (failure !== undefined) throw failure;
  }

  /** `trainer.pushToHub()`: see {@link PushToHubOptions}. */
  async push(options: PushToHubOptions = {}): Promise<CommitInfo | undefined> {
    const { commitMessage, blocking, token, revision, ...card } = options;
    if (Object.keys(card).length > 0) this.cardOptions = card;
    if (this.repoId === undefined) await this.initRepo(token ?? this.host.args.hubToken);
    await this.host.saveModel();
    if (!this.host.accelerator.isMainProcess || this.repoId === undefined) return undefined;
    // The pushes still running upload older files; this one carries everything, so their outcome no longer matters.
    await this.settle();
    this.lastFailure = undefined;
    const repoId = this.repoId;
    const { outputDir } = this.host.args;
    const upload = () =>
      uploadFolder(repoId, outputDir, {
        ...this.auth(token ?? this.host.args.hubToken),
        commitMessage: commitMessage ?? 'End of training',
        ignorePatterns: [...OUTPUT_DIR_IGNORE],
        ...(revision !== undefined ? { revision } : {}),
      });
    if (blocking ?? true) return upload();
    this.enqueue({
      what: `${outputDir} (${commitMessage ?? 'End of training'})`,
      folder: outputDir,
      replaceable: false,
      run: upload,
      discard: async () => undefined,
    });
    return undefined;
  }
}
