/**
 * Controller-side download of one URL (http, https, file://) into a stream,
 * with Node's own http/https so that `validate_certs: false` and client
 * timeouts work without extra dependencies.
 */
import type { IncomingMessage } from 'node:http';
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface DownloadOptions {
  /** whole-request timeout in milliseconds */
  timeoutMs: number;
  validateCerts: boolean;
  username?: string | undefined;
  password?: string | undefined;
  /** bytes received so far and the announced size, if any; called per chunk */
  onProgress?: ((received: number, total: number | undefined) => void) | undefined;
}

const MAX_REDIRECTS = 10;

/** Streams the body of `url` into `sink`; rejects on a non-2xx status. */
export async function downloadTo(url: string, sink: Writable, options: DownloadOptions): Promise<void> {
  const parsed = new URL(url);
  if (parsed.protocol === 'file:') {
    await pipeline(createReadStream(fileURLToPath(parsed)), sink);
    return;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`unsupported URL scheme '${parsed.protocol}' (use http, https or file)`);
  }
  const response = await openFollowingRedirects(parsed, options, MAX_REDIRECTS);
  const onProgress = options.onProgress;
  if (!onProgress) return pipeline(response, sink);
  const announced = Number(response.headers['content-length']);
  const total = Number.isFinite(announced) && announced > 0 ? announced : undefined;
  let received = 0;
  response.on('data', (chunk: Buffer) => onProgress((received += chunk.length), total));
  await pipeline(response, sink);
}

/** Reads a small text document (a checksums file) into memory. */
export async function downloadText(url: string, options: DownloadOptions, limit = 4 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  const { Writable } = await import('node:stream');
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > limit) return done(new Error(`${url} is larger than ${limit} bytes`));
      chunks.push(chunk);
      done();
    },
  });
  await downloadTo(url, sink, options);
  return Buffer.concat(chunks).toString('utf8');
}

async function openFollowingRedirects(url: URL, options: DownloadOptions, left: number): Promise<IncomingMessage> {
  // http and https (with tls) load with the first download instead of with every run
  const client = url.protocol === 'https:' ? (await import('node:https')).default : (await import('node:http')).default;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'user-agent': 'ezplay' };
    const user = options.username ?? decodeURIComponent(url.username);
    const pass = options.password ?? decodeURIComponent(url.password);
    if (user) headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    const request = client.get(
      url,
      { headers, rejectUnauthorized: options.validateCerts, timeout: options.timeoutMs },
      (response) => {
        const status = response.statusCode ?? 0;
        const location = response.headers.location;
        if (status >= 300 && status < 400 && location) {
          response.resume();
          if (left === 0) return reject(new Error(`${url.href}: too many redirects`));
          const next = new URL(location, url);
          // Credentials follow redirects only on the same origin, as curl does.
          const nextOptions = next.origin === url.origin ? options : { ...options, username: undefined, password: undefined };
          return resolve(openFollowingRedirects(next, nextOptions, left - 1));
        }
        if (status < 200 || status >= 300) {
          response.resume();
          return reject(new Error(`${url.href}: HTTP ${status} ${response.statusMessage ?? ''}`.trim()));
        }
        resolve(response);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${url.href}: timed out after ${options.timeoutMs} ms`)));
    request.on('error', reject);
  });
}
