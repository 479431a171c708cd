/**
 * Wire protocol of the rendezvous key-value store (PyTorch's TCPStore plays this part). Rank 0
 * serves it (`src/store/tcp-store-server.ts`); the TypeScript client (`tcp-store-client.ts`) and
 * the gloo addon's C++ client (`native/gloo/store_client.cc`) both speak it, so it is written down
 * here once. All integers little-endian.
 *
 * Handshake (client → server, once per connection):
 *   u32 MAGIC ("NERS"), u32 PROTOCOL_VERSION, u32 secretLength, secret bytes (UTF-8).
 * Server → client: u8 status (OK, or BAD_SECRET / BAD_VERSION, after which it closes).
 *
 * Request: u8 opcode, then the fields below; a `bytes` field is u32 length + bytes, a key is
 * `bytes` (UTF-8). Response: u8 status, then the fields below when status is OK.
 *   SET         key, value                  → OK
 *   GET         key, u32 timeoutMs          → OK value | TIMEOUT   (waits until the key exists)
 *   ADD         key, i64 delta              → OK i64 newValue      (missing key counts as 0;
 *                                                                   stored as decimal text, as torch)
 *   WAIT        u32 n, n × key, u32 timeoutMs → OK | TIMEOUT
 *   COMPARE_SET key, expected, desired      → OK currentValue      (sets when the current value
 *                                                                   equals expected, or when the key is
 *                                                                   missing and expected is empty)
 *   CHECK       u32 n, n × key              → OK u8 allExist
 *   DELETE      key                         → OK u8 existed
 * Limits: a key at most MAX_KEY_BYTES, a value at most MAX_VALUE_BYTES; a request over them gets
 * TOO_LARGE and the connection is closed. Timeouts of 0 mean "do not wait".
 */
export const MAGIC = 0x5352454e; // "NERS" read as a little-endian u32
export const PROTOCOL_VERSION = 1;
export const MAX_KEY_BYTES = 4096;
export const MAX_VALUE_BYTES = 64 * 1024 * 1024;
export const MAX_SECRET_BYTES = 1024;

export const Opcode = {
  SET: 1,
  GET: 2,
  ADD: 3,
  WAIT: 4,
  COMPARE_SET: 5,
  CHECK: 6,
  DELETE: 7,
} as const;
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

export const Status = {
  OK: 0,
  TIMEOUT: 1,
  BAD_SECRET: 2,
  BAD_VERSION: 3,
  TOO_LARGE: 4,
  BAD_REQUEST: 5,
} as const;
export type Status = (typeof Status)[keyof typeof Status];
