/**
 * uri's HTTP request as one curl command line (on the host, where health
 * endpoints listen on 127.0.0.1, or on the controller), and the pure parser
 * of what it prints: the body, then a trailer line written by `-w` with the
 * status code, content type and final URL.
 */
import { sh } from '../shell/quote.js';

export interface CurlRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  /** sent on stdin, so it is neither quoted into the command nor visible in ps */
  body?: string | undefined;
  timeout: number;
  validateCerts: boolean;
  followRedirects: boolean;
  caPath?: string | undefined;
  clientCert?: string | undefined;
  clientKey?: string | undefined;
}

export const TRAILER = '@@ezplay-uri@@';

export function curlCommand(r: CurlRequest): string {
  const args: string[] = ['-sS', '--max-time', String(r.timeout)];
  if (r.method === 'HEAD') args.push('--head');
  else if (r.method !== 'GET' || r.body !== undefined) args.push('-X', r.method);
  if (r.followRedirects) args.push('-L');
  if (!r.validateCerts) args.push('-k');
  if (r.caPath) args.push('--cacert', r.caPath);
  if (r.clientCert) args.push('--cert', r.clientCert);
  if (r.clientKey) args.push('--key', r.clientKey);
  for (const [name, value] of Object.entries(r.headers)) args.push('-H', `${name}: ${value}`);
  if (r.body !== undefined) args.push('--data-binary', '@-');
  args.push('-w', `\\n${TRAILER}\\t%{http_code}\\t%{content_type}\\t%{url_effective}\\n`, '--', r.url);
  return sh`curl ${args}`;
}

export interface CurlResponse {
  /** -1 when no response arrived (curl failed to connect, TLS error, timeout) */
  status: number;
  content: string;
  contentType: string;
  url: string;
  /** curl's own complaint, when it failed */
  error?: string;
}

export function parseCurlOutput(stdout: string, stderr: string, rc: number, url: string): CurlResponse {
  const at = stdout.lastIndexOf(`\n${TRAILER}\t`);
  if (at === -1) {
    return { status: -1, content: '', contentType: '', url, error: stderr.trim() || `curl exited with ${rc}` };
  }
  const [code = '000', contentType = '', effective = url] = stdout.slice(at + TRAILER.length + 2).trim().split('\t');
  const status = Number(code) || -1;
  const out: CurlResponse = { status, content: stdout.slice(0, at), contentType, url: effective || url };
  if (rc !== 0 || status === -1) out.error = stderr.trim() || `curl exited with ${rc}`;
  return out;
}

/** The registered result, Ansible-shaped: status, url, msg, json when the body parses, content on request. */
export function uriResult(res: CurlResponse, returnContent: boolean, accepted: readonly number[]): Record<string, unknown> {
  const result: Record<string, unknown> = { status: res.status, url: res.url };
  if (res.contentType) result.content_type = res.contentType;
  if (returnContent) result.content = res.content;
  const json = parseJson(res.content);
  if (json !== undefined) result.json = json;
  result.msg = accepted.includes(res.status) ? `OK (${Buffer.byteLength(res.content)} bytes)` : failureMessage(res, accepted);
  return result;
}

export function failureMessage(res: CurlResponse, accepted: readonly number[]): string {
  const head = `Status code was ${res.status} and not [${accepted.join(', ')}]`;
  if (res.error && res.status === -1) return `${head}: Request failed: ${res.error}`;
  const body = res.content.trim();
  return body ? `${head}: ${body.length > 500 ? `${body.slice(0, 500)}…` : body}` : head;
}

function parseJson(text: string): unknown {
  const t = text.trim();
  if (!t || !'{["'.includes(t[0] ?? '') && !/^(-?\d|true|false|null)/.test(t)) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

/** The body as bytes on the wire, and the content type it implies. */
export function encodeBody(body: unknown, format: 'json' | 'raw' | 'form-urlencoded'): { body?: string; contentType?: string } {
  if (body === undefined || body === null) return {};
  if (format === 'json') return { body: typeof body === 'string' ? body : JSON.stringify(body), contentType: 'application/json' };
  if (format === 'form-urlencoded') {
    if (typeof body === 'string') return { body, contentType: 'application/x-www-form-urlencoded' };
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) params.append(k, String(v));
    return { body: params.toString(), contentType: 'application/x-www-form-urlencoded' };
  }
  return { body: typeof body === 'string' ? body : JSON.stringify(body) };
}
