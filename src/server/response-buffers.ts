/**
 * Response buffers reused across requests: a GetRecords page is megabytes (see SizeClassPool for why
 * they are pooled). A buffer goes back to the pool only once the HTTP/1.1 response that carries it has
 * been flushed to the socket (Http1Exchange.respond, `finish`); one that never is simply goes to the GC.
 */
import { RESPONSE_BUFFER_BYTES_MIN, RESPONSE_BUFFER_POOL_BYTES_MAX } from "../core/limits.js";
import { SizeClassPool } from "./size-class-pool.js";

/** The process's pool, shared by every connection. */
export const responseBufferPool = new SizeClassPool(RESPONSE_BUFFER_BYTES_MIN, RESPONSE_BUFFER_POOL_BYTES_MAX);

/** A buffer for a large response body: from the pool (see above), or a plain allocation for small sizes. */
export function responseBuffer(bytes: number): Buffer {
  return responseBufferPool.take(bytes) ?? Buffer.allocUnsafe(bytes);
}
