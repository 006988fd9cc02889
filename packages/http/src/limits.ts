/**
 * What a server accepts from one client before it answers with an error instead (RFC 9110 §15.5,
 * RFC 9112 §2.3, §3): sizes in bytes. A limit that is met exactly is still accepted.
 */
export interface HttpLimits {
  /** The request line and every header line, CRLFs included: past it, 431 (414 when it is the line). */
  maxHeaderBytes: number;
  /** The request line alone: past it, 414 URI Too Long. */
  maxRequestLineBytes: number;
  /** Header fields in one request (trailer fields of a chunked body count too): past it, 431. */
  maxHeaderCount: number;
  /** A request's body, after chunked decoding: past it, 413 Content Too Large. */
  maxBodyBytes: number;
}

export const DEFAULT_LIMITS: HttpLimits = {
  maxHeaderBytes: 16 * 1024,
  maxRequestLineBytes: 8 * 1024,
  maxHeaderCount: 100,
  maxBodyBytes: 1024 * 1024,
};

/** DEFAULT_LIMITS with the given ones changed. */
export function resolveLimits(limits?: Partial<HttpLimits>): HttpLimits {
  const l: HttpLimits = {
    maxHeaderBytes: DEFAULT_LIMITS.maxHeaderBytes,
    maxRequestLineBytes: DEFAULT_LIMITS.maxRequestLineBytes,
    maxHeaderCount: DEFAULT_LIMITS.maxHeaderCount,
    maxBodyBytes: DEFAULT_LIMITS.maxBodyBytes,
  };
  if (limits === undefined) return l;
  if (limits.maxHeaderBytes !== undefined) l.maxHeaderBytes = limits.maxHeaderBytes;
  if (limits.maxRequestLineBytes !== undefined) l.maxRequestLineBytes = limits.maxRequestLineBytes;
  if (limits.maxHeaderCount !== undefined) l.maxHeaderCount = limits.maxHeaderCount;
  if (limits.maxBodyBytes !== undefined) l.maxBodyBytes = limits.maxBodyBytes;
  return l;
}
