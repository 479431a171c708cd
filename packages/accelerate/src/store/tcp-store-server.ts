/**
 * The rendezvous store that rank 0 serves (PyTorch's TCPStore server): a key-value map that
 * every rank (and the gloo addon's C++ client) reaches over TCP with the protocol of
 * protocol.ts. Only clients presenting the run's secret are served, so a stray process that
 * connects to MASTER_PORT is turned away and never counted as a rank.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { StoreError } from '../errors.js';
import { ChunkBuffer } from './chunk-buffer.js';
import { Opcode, PROTOCOL_VERSION, Status } from './protocol.js';
import { BadRequest, type Handshake, parseHandshake, parseRequest, type StoreRequest } from './requests.js';
import { FieldTooLarge, WireWriter } from './wire.js';

/** Options of {@link TcpStoreServer.listen}. */
export interface TcpStoreServerOptions {
  /** Address to bind (MASTER_ADDR): '0.0.0.0' for every interface, or one address. */
  host: string;
  /** Port to bind (MASTER_PORT); 0 picks a free one. */
  port: number;
  /** The run's secret (NER_STORE_SECRET); clients must present it. */
  secret: string;
  /** How long a new connection may take to present the secret [10 s]. */
  handshakeTimeoutMs?: number;
}

interface Waiter {
  keys: readonly string[];
  wake: () => void;
}

export class TcpStoreServer {
  private readonly values = new Map<string, Buffer>();
  private readonly waiters = new Set<Waiter>();
  private readonly sockets = new Set<Socket>();
  private rejected = 0;

  private constructor(
    private readonly server: Server,
    readonly host: string,
    readonly port: number,
    private readonly secret: Buffer,
    private readonly handshakeTimeoutMs: number,
  ) {
    server.on('connection', (socket) => this.serve(socket));
  }

  /** Binds `host:port` and serves; a port in use is a {@link StoreError} saying so. */
  static listen(options: TcpStoreServerOptions): Promise<TcpStoreServer> {
    if (options.secret.length === 0) throw new StoreError('TCPStore: the secret must not be empty');
    return new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', (error: NodeJS.ErrnoException) => {
        const where = `${options.host}:${options.port}`;
        reject(
          new StoreError(
            error.code === 'EADDRINUSE'
              ? `TCPStore: port ${options.port} is in use on ${options.host} (another run, or a stray process, holds MASTER_PORT); pick another with --master-port`
              : error.code === 'EADDRNOTAVAIL'
                ? `TCPStore: ${options.host} is not an address of this machine (MASTER_ADDR must be rank 0's own address)`
                : `TCPStore: cannot listen on ${where}: ${error.message}`,
          ),
        );
      });
      server.listen(options.port, options.host, () => {
        const address = server.address();
        const port = typeof address === 'object' && address !== null ? address.port : options.port;
        resolve(
          new TcpStoreServer(
            server,
            options.host,
            port,
            Buffer.from(options.secret, 'utf8'),
            options.handshakeTimeoutMs ?? 10_000,
          ),
        );
      });
    });
  }

  /** Connections turned away (wrong secret, wrong protocol, too slow to present the secret). */
  get rejectedConnections(): number {
    return this.rejected;
  }

  /** Stops serving and drops every connection. */
  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    for (const waiter of this.waiters) waiter.wake();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const input = new ChunkBuffer();
    let admitted = false;
    let busy = false;
    const cancels = new Set<() => void>();
    const handshakeTimer = setTimeout(() => this.turnAway(socket), this.handshakeTimeoutMs);
    const pump = (): void => {
      while (!busy && !socket.destroyed) {
        if (!admitted) {
          const hello = input.take(parseHandshake);
          if (hello === undefined) return;
          clearTimeout(handshakeTimer);
          if (!this.admit(socket, hello)) return;
          admitted = true;
          continue;
        }
        let request: StoreRequest | undefined;
        try {
          request = input.take(parseRequest);
        } catch (error) {
          const status = error instanceof FieldTooLarge ? Status.TOO_LARGE : Status.BAD_REQUEST;
          socket.end(new WireWriter().u8(status).finish());
          return;
        }
        if (request === undefined) return;
        const answer = this.handle(request, cancels);
        if (answer instanceof Promise) {
          busy = true;
          answer.then((bytes) => {
            busy = false;
            if (!socket.destroyed) socket.write(bytes);
            pump();
          });
          return;
        }
        socket.write(answer);
      }
    };
    socket.on('data', (data) => {
      input.push(data);
      pump();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(handshakeTimer);
      this.sockets.delete(socket);
      for (const cancel of cancels) cancel();
    });
  }

  private admit(socket: Socket, hello: Handshake): boolean {
    const reply = (status: number) => socket.end(new WireWriter().u8(status).finish());
    if (hello.version !== PROTOCOL_VERSION && hello.secret !== undefined) {
      this.rejected += 1;
      reply(Status.BAD_VERSION);
      return false;
    }
    const secret = hello.secret;
    const matches =
      secret !== undefined && secret.length === this.secret.length && timingSafeEqual(secret, this.secret);
    if (!matches) {
      this.rejected += 1;
      // Something that is not our client at all (wrong magic) just gets the door closed.
      if (secret === undefined && hello.version === 0) socket.destroy();
      else reply(Status.BAD_SECRET);
      return false;
    }
    socket.write(new WireWriter().u8(Status.OK).finish());
    return true;
  }

  private turnAway(socket: Socket): void {
    this.rejected += 1;
    socket.destroy();
  }

  private handle(request: StoreRequest, cancels: Set<() => void>): Buffer | Promise<Buffer> {
    const ok = () => new WireWriter().u8(Status.OK);
    switch (request.op) {
      case Opcode.SET:
        this.put(request.key, request.value);
        return ok().finish();
      case Opcode.GET:
        return this.whenPresent([request.key], request.timeoutMs, cancels, (present) =>
          present
            ? ok().bytes(this.values.get(request.key)!).finish()
            : new WireWriter().u8(Status.TIMEOUT).finish(),
        );
      case Opcode.ADD: {
        const current = this.values.get(request.key)?.toString('utf8') ?? '0';
        if (!/^-?\d+$/.test(current)) {
          return new WireWriter().u8(Status.BAD_REQUEST).finish();
        }
        const next = BigInt(current) + request.delta;
        this.put(request.key, Buffer.from(next.toString(), 'utf8'));
        return ok().i64(next).finish();
      }
      case Opcode.WAIT:
        return this.whenPresent(request.keys, request.timeoutMs, cancels, (present) =>
          new WireWriter().u8(present ? Status.OK : Status.TIMEOUT).finish(),
        );
      case Opcode.COMPARE_SET: {
        const current = this.values.get(request.key);
        const matches =
          current === undefined ? request.expected.length === 0 : current.equals(request.expected);
        if (matches) this.put(request.key, request.desired);
        return ok()
          .bytes(this.values.get(request.key) ?? Buffer.alloc(0))
          .finish();
      }
      case Opcode.CHECK:
        return ok()
          .u8(request.keys.every((key) => this.values.has(key)) ? 1 : 0)
          .finish();
      case Opcode.DELETE:
        return ok()
          .u8(this.values.delete(request.key) ? 1 : 0)
          .finish();
      default:
        throw new BadRequest('unreachable');
    }
  }

  private put(key: string, value: Buffer): void {
    this.values.set(key, value);
    for (const waiter of this.waiters) {
      if (waiter.keys.every((k) => this.values.has(k))) waiter.wake();
    }
  }

  /** Answers once every key exists, or after `timeoutMs` (0: answer now). */
  private whenPresent(
    keys: readonly string[],
    timeoutMs: number,
    cancels: Set<() => void>,
    answer: (present: boolean) => Buffer,
  ): Buffer | Promise<Buffer> {
    if (keys.every((k) => this.values.has(k))) return answer(true);
    if (timeoutMs === 0) return answer(false);
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        cancels.delete(finish);
        resolve(answer(keys.every((k) => this.values.has(k))));
      };
      const waiter: Waiter = { keys, wake: finish };
      const timer = setTimeout(finish, timeoutMs);
      this.waiters.add(waiter);
      cancels.add(finish);
    });
  }
}
