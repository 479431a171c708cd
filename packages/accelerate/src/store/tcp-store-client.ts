/**
 * Client of the rendezvous store (PyTorch's TCPStore client): connects to rank 0's
 * {@link TcpStoreServer}, presents the run's secret, then sends requests (protocol.ts) and
 * reads the answers in order. Every request has a deadline, so a store that went away is an
 * error naming it, never a hang.
 */
import { connect, type Socket } from 'node:net';
import { StoreError } from '../errors.js';
import { ChunkBuffer } from './chunk-buffer.js';
import { MAGIC, MAX_KEY_BYTES, MAX_VALUE_BYTES, Opcode, PROTOCOL_VERSION, Status } from './protocol.js';
import { WireReader, WireWriter } from './wire.js';

/** Options of {@link TcpStoreClient.connect}. */
export interface TcpStoreClientOptions {
  host: string;
  port: number;
  secret: string;
  /** Prepended to every key, so several groups can share one store (torch's PrefixStore) ['']. */
  prefix?: string;
  /** How long to keep trying to reach the server (rank 0 may start later) [30 s]. */
  connectTimeoutMs?: number;
  /** Default wait of `get` / `wait`, and the extra time any answer may take [30 s]. */
  timeoutMs?: number;
}

interface Pending {
  parse: (reader: WireReader, status: number) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const RETRY_MS = 100;

export class TcpStoreClient {
  private readonly input = new ChunkBuffer();
  private readonly pending: Pending[] = [];
  private failure: StoreError | undefined;
  readonly prefix: string;
  readonly timeoutMs: number;

  private constructor(
    private readonly socket: Socket,
    readonly where: string,
    options: TcpStoreClientOptions,
  ) {
    this.prefix = options.prefix ?? '';
    this.timeoutMs = options.timeoutMs ?? 30_000;
    socket.on('data', (data) => {
      this.input.push(data);
      this.drain();
    });
    socket.on('error', (error) => this.fail(`connection error: ${error.message}`));
    socket.on('close', () => this.fail('the store closed the connection (rank 0 exited or crashed)'));
  }

  /** Connects (retrying until `connectTimeoutMs` while nothing listens yet) and presents the secret. */
  static async connect(options: TcpStoreClientOptions): Promise<TcpStoreClient> {
    const where = `${options.host}:${options.port}`;
    const deadline = Date.now() + (options.connectTimeoutMs ?? 30_000);
    for (;;) {
      let socket: Socket;
      try {
        socket = await openSocket(options.host, options.port, Math.max(deadline - Date.now(), 1));
      } catch (error) {
        if (Date.now() + RETRY_MS > deadline) {
          throw new StoreError(
            `TCPStore: cannot reach the store at ${where} (MASTER_ADDR:MASTER_PORT) within ${options.connectTimeoutMs ?? 30_000} ms: ${(error as Error).message}`,
          );
        }
        await new Promise((r) => setTimeout(r, RETRY_MS));
        continue;
      }
      await handshake(socket, options.secret, where, Math.max(deadline - Date.now(), 1000));
      return new TcpStoreClient(socket, where, options);
    }
  }

  async set(key: string, value: string | Uint8Array): Promise<void> {
    const message = new WireWriter().u8(Opcode.SET).bytes(this.key(key)).bytes(checkValue(value)).finish();
    await this.request(message, 0, () => undefined, `SET ${key}`);
  }

  /** The value of `key`, waiting up to `timeoutMs` for it to exist; a {@link StoreError} after that. */
  async get(key: string, timeoutMs = this.timeoutMs): Promise<Buffer> {
    const value = await this.tryGet(key, timeoutMs);
    if (value === undefined) {
      throw new StoreError(
        `TCPStore: key '${key}' did not appear within ${timeoutMs} ms (store ${this.where})`,
      );
    }
    return value;
  }

  /** The value of `key`, or undefined when it does not exist within `timeoutMs` [0: do not wait]. */
  tryGet(key: string, timeoutMs = 0): Promise<Buffer | undefined> {
    const message = new WireWriter().u8(Opcode.GET).bytes(this.key(key)).u32(timeoutMs).finish();
    return this.request(
      message,
      timeoutMs,
      (reader, status) => (status === Status.OK ? Buffer.from(reader.bytes(MAX_VALUE_BYTES)) : undefined),
      `GET ${key}`,
    );
  }

  /** Adds `delta` to the integer at `key` (missing counts as 0) and returns the new value. */
  async add(key: string, delta: number): Promise<number> {
    const message = new WireWriter().u8(Opcode.ADD).bytes(this.key(key)).i64(BigInt(delta)).finish();
    return Number(await this.request(message, 0, (reader) => reader.i64(), `ADD ${key}`));
  }

  /** True once every key exists; false when `timeoutMs` passes first. */
  wait(keys: readonly string[], timeoutMs = this.timeoutMs): Promise<boolean> {
    const writer = new WireWriter().u8(Opcode.WAIT).u32(keys.length);
    for (const key of keys) writer.bytes(this.key(key));
    return this.request(
      writer.u32(timeoutMs).finish(),
      timeoutMs,
      (_reader, status) => status === Status.OK,
      `WAIT ${keys.length} keys`,
    );
  }

  /**
   * Sets `key` to `desired` if it holds `expected` (or is missing and `expected` is empty);
   * returns the value it holds afterwards either way.
   */
  compareSet(key: string, expected: string | Uint8Array, desired: string | Uint8Array): Promise<Buffer> {
    const message = new WireWriter()
      .u8(Opcode.COMPARE_SET)
      .bytes(this.key(key))
      .bytes(checkValue(expected))
      .bytes(checkValue(desired))
      .finish();
    return this.request(
      message,
      0,
      (reader) => Buffer.from(reader.bytes(MAX_VALUE_BYTES)),
      `COMPARE_SET ${key}`,
    );
  }

  /** True when every key exists (no waiting). */
  check(keys: readonly string[]): Promise<boolean> {
    const writer = new WireWriter().u8(Opcode.CHECK).u32(keys.length);
    for (const key of keys) writer.bytes(this.key(key));
    return this.request(writer.finish(), 0, (reader) => reader.u8() === 1, `CHECK ${keys.length} keys`);
  }

  /** Removes `key`; true when it existed. */
  delete(key: string): Promise<boolean> {
    const message = new WireWriter().u8(Opcode.DELETE).bytes(this.key(key)).finish();
    return this.request(message, 0, (reader) => reader.u8() === 1, `DELETE ${key}`);
  }

  /** This end's address: an address of this machine that the store's machine can reach. */
  get localAddress(): string | undefined {
    return this.socket.localAddress;
  }

  /** Closes the connection; pending requests reject. */
  close(): void {
    this.fail('the client was closed');
    this.socket.destroy();
  }

  private key(key: string): Buffer {
    const bytes = Buffer.from(this.prefix + key, 'utf8');
    if (bytes.length > MAX_KEY_BYTES) {
      throw new StoreError(`TCPStore: key of ${bytes.length} bytes is over the ${MAX_KEY_BYTES} byte limit`);
    }
    return bytes;
  }

  private request<T>(
    message: Buffer,
    waitMs: number,
    parse: (reader: WireReader, status: number) => T,
    what: string,
  ): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      // The server answers a waiting request when its own timer fires; allow the network on top.
      const timer = setTimeout(() => {
        this.fail(`${what}: no answer within ${waitMs + this.timeoutMs} ms`);
        this.socket.destroy();
      }, waitMs + this.timeoutMs);
      this.pending.push({
        parse,
        resolve: resolve as (value: unknown) => void,
        reject,
        timer,
      });
      this.socket.write(message);
    });
  }

  private drain(): void {
    for (;;) {
      const head = this.pending[0];
      if (head === undefined) return;
      let answer: { status: number; value: unknown } | undefined;
      try {
        answer = this.input.take((buffer) => {
          const reader = new WireReader(buffer);
          const status = reader.u8();
          const value =
            status === Status.OK || status === Status.TIMEOUT ? head.parse(reader, status) : undefined;
          return { value: { status, value }, used: reader.offset };
        });
      } catch (error) {
        this.fail(`malformed answer: ${(error as Error).message}`);
        this.socket.destroy();
        return;
      }
      if (answer === undefined) return;
      this.pending.shift();
      clearTimeout(head.timer);
      if (answer.status === Status.OK || answer.status === Status.TIMEOUT) head.resolve(answer.value);
      else
        head.reject(
          new StoreError(`TCPStore at ${this.where}: request refused (${statusName(answer.status)})`),
        );
    }
  }

  private fail(reason: string): void {
    if (this.failure) return;
    this.failure = new StoreError(`TCPStore at ${this.where}: ${reason}`);
    for (const pending of this.pending.splice(0)) {
      clearTimeout(pending.timer);
      pending.reject(this.failure);
    }
  }
}

function checkValue(value: string | Uint8Array): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
  if (bytes.length > MAX_VALUE_BYTES) {
    throw new StoreError(
      `TCPStore: value of ${bytes.length} bytes is over the ${MAX_VALUE_BYTES} byte limit`,
    );
  }
  return bytes;
}

function statusName(status: number): string {
  return Object.entries(Status).find(([, code]) => code === status)?.[0] ?? `status ${status}`;
}

function openSocket(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('connect timed out'));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.setNoDelay(true);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function handshake(socket: Socket, secret: string, where: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('close', onClose);
      socket.removeListener('error', onClose);
      if (error) {
        socket.destroy();
        reject(error);
      } else resolve();
    };
    const onData = (data: Buffer) => {
      const status = data[0];
      if (data.length > 1) socket.unshift(data.subarray(1));
      if (status === Status.OK) done();
      else if (status === Status.BAD_SECRET) {
        done(
          new StoreError(
            `TCPStore at ${where} refused this process's secret: NER_STORE_SECRET differs from rank 0's (start every rank with the same ner-launch secret)`,
          ),
        );
      } else if (status === Status.BAD_VERSION) {
        done(new StoreError(`TCPStore at ${where} speaks another protocol version than ${PROTOCOL_VERSION}`));
      } else done(new StoreError(`TCPStore at ${where} answered the handshake with status ${status}`));
    };
    const onClose = () =>
      done(new StoreError(`TCPStore at ${where} closed the connection during the handshake`));
    const timer = setTimeout(
      () => done(new StoreError(`TCPStore at ${where}: no answer to the handshake within ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.once('error', onClose);
    socket.write(new WireWriter().u32(MAGIC).u32(PROTOCOL_VERSION).bytes(secret).finish());
  });
}
