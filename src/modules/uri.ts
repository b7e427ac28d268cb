/**
 * uri: an HTTP request, by default made with curl on the host, because
 * the endpoints worth asking (etcd's /health on https://127.0.0.1:2379)
 * listen on the host. A GET or HEAD only reads, so it runs while planning
 * and the task reports ok; any other method is a step whose effect cannot
 * be known beforehand (opaque: skipped in check mode, no undo).
 */
import { LocalConnection } from '../connection/local.js';
import { ModuleError } from '../errors.js';
import { curlCommand, encodeBody, failureMessage, parseCurlOutput, uriResult, type CurlRequest } from './uri-curl.js';
import { defineModule, type HostContext, type Plan } from './types.js';

export interface UriArgs {
  url: string;
  method: string;
  body?: unknown;
  body_format: 'json' | 'raw' | 'form-urlencoded';
  headers: Record<string, unknown>;
  status_code: number[];
  return_content: boolean;
  client_cert?: string;
  client_key?: string;
  ca_path?: string;
  validate_certs: boolean;
  follow_redirects: boolean;
  timeout: number;
  run_on: 'host' | 'controller';
}

const READ_ONLY = new Set(['GET', 'HEAD']);

export const uri = defineModule<UriArgs>({
  name: 'uri',
  summary: 'Make an HTTP request with curl on the host (or the controller) and check its status',
  description:
    'GET and HEAD requests only read, so they run while planning (also in check mode) and never report a ' +
    'change. Other methods run as a step, reported as changed, skipped in check mode, and cannot be undone. ' +
    'The task fails when the status is not in `status_code`, with the status and the body in the message. ' +
    'Result: status, url, msg, content_type, json (when the body is JSON), content (with return_content). ' +
    'Needs curl where it runs.',
  args: {
    url: { type: 'str', required: true, description: 'http:// or https:// URL, e.g. https://127.0.0.1:2379/health.' },
    method: {
      type: 'str',
      default: 'GET',
      choices: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      description: 'HTTP method. GET and HEAD are read-only; the others are treated as changes.',
    },
    body: { type: 'raw', description: 'Request body: a string, or for json/form-urlencoded a mapping.' },
    body_format: {
      type: 'str',
      default: 'raw',
      choices: ['json', 'raw', 'form-urlencoded'],
      description: 'How to encode `body`; json and form-urlencoded also set Content-Type unless `headers` does.',
    },
    headers: { type: 'dict', default: {}, description: 'Request headers, name: value.' },
    status_code: {
      type: 'list',
      elements: 'int',
      default: [200],
      description: 'Statuses that count as success; any other fails the task.',
    },
    return_content: { type: 'bool', default: false, description: 'Put the response body in the result as `content`.' },
    client_cert: { type: 'path', description: 'Client certificate (PEM) for TLS client authentication, e.g. etcd.pem.' },
    client_key: { type: 'path', description: 'Private key (PEM) of `client_cert`.' },
    ca_path: { type: 'path', description: "CA certificate (PEM) to verify the server's certificate with." },
    validate_certs: { type: 'bool', default: true, description: "Verify the server's TLS certificate." },
    follow_redirects: { type: 'bool', default: true, description: 'Follow 3xx redirects.' },
    timeout: { type: 'int', default: 30, description: 'Seconds the whole request may take.' },
    run_on: {
      type: 'str',
      default: 'host',
      choices: ['host', 'controller'],
      description:
        'Where curl runs: on the host (default: endpoints on 127.0.0.1 are the host\'s own) or on the controller. ' +
        'Certificate paths are paths where it runs. An ezplay extension.',
    },
  },
  plan: planUri,
});

export async function planUri(ctx: HostContext, args: UriArgs): Promise<Plan> {
  const request = buildRequest(args);
  const command = curlCommand(request);
  const stdin = request.body !== undefined ? { stdin: request.body } : {};

  if (READ_ONLY.has(args.method)) {
    const res =
      args.run_on === 'controller'
        ? await new LocalConnection('localhost').exec(command, stdin)
        : await ctx.probe(command, stdin);
    return { changed: false, result: judge(ctx, args, res.stdout, res.stderr, res.rc) };
  }
  return {
    changed: true,
    opaque: true,
    diff: [{ subject: args.url, kind: 'summary', before: '(unknown)', after: `${args.method} request sent` }],
    steps: [
      {
        kind: 'exec',
        command,
        description: `${args.method} ${args.url}`,
        // judged by afterApply, which names the status and body
        allowFailure: true,
        ...stdin,
        ...(args.run_on === 'controller' ? { on: 'controller' as const } : {}),
      },
    ],
    afterApply: (outputs) => {
      const out = outputs[0];
      return judge(ctx, args, out?.stdout ?? '', out?.stderr ?? '', out?.rc ?? -1);
    },
  };
}

function judge(ctx: HostContext, args: UriArgs, stdout: string, stderr: string, rc: number): Record<string, unknown> {
  const res = parseCurlOutput(stdout, stderr, rc, args.url);
  const result = uriResult(res, args.return_content, args.status_code);
  if (!args.status_code.includes(res.status)) {
    throw new ModuleError(failureMessage(res, args.status_code), { ...result, content: res.content }, ctx.pos);
  }
  return result;
}

export function buildRequest(args: UriArgs): CurlRequest {
  const encoded = encodeBody(args.body, args.body_format);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(args.headers)) headers[k] = String(v);
  const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
  if (encoded.contentType && !hasType) headers['Content-Type'] = encoded.contentType;
  return {
    url: args.url,
    method: args.method,
    headers,
    body: encoded.body,
    timeout: args.timeout,
    validateCerts: args.validate_certs,
    followRedirects: args.follow_redirects,
    caPath: args.ca_path,
    clientCert: args.client_cert,
    clientKey: args.client_key,
  };
}
