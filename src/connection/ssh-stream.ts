/**
 * A command whose standard input is a file on the controller, streamed as
 * the command runs, on an exec channel of its own (the persistent shell
 * would have to carry it base64-encoded through a heredoc). ssh2's channel
 * window paces the file, so a slow host never makes the controller buffer
 * more than a window's worth.
 */
import { createReadStream, promises as fs } from 'node:fs';
import type { Client, ClientChannel } from 'ssh2';
import { STREAM_RUNNER, streamPreamble } from './become.js';

const READ_CHUNK = 256 * 1024;

export interface StreamOutcome {
  /** undefined when the channel closed without an exit status (the connection went away) */
  rc: number | undefined;
  signal?: string;
  stdout: Buffer;
  stderr: Buffer;
  durationMs: number;
  /** reading the local file failed: the command saw its input end early */
  readError?: Error;
  timedOut: boolean;
}

/** The local file could not be opened: nothing ran on the host. */
export class StreamSourceError extends Error {}

/** Runs `statement` (shell text for STREAM_RUNNER) with `file` as its standard input. */
export async function streamFileToExec(client: Client, statement: string, file: string, timeoutMs?: number): Promise<StreamOutcome> {
  // Opened first: a missing file fails here, before anything runs on the host.
  const handle = await fs.open(file, 'r').catch((error: Error) => {
    throw new StreamSourceError(error.message);
  });
  const started = performance.now();
  let channel: ClientChannel;
  try {
    channel = await new Promise<ClientChannel>((resolve, reject) => {
      client.exec(STREAM_RUNNER, (error, ch) => (error ? reject(error) : resolve(ch)));
    });
  } catch (error) {
    await handle.close();
    throw error;
  }
  const source = createReadStream(file, { fd: handle, highWaterMark: READ_CHUNK });
  return new Promise<StreamOutcome>((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let rc: number | undefined;
    let signal: string | undefined;
    let readError: Error | undefined;
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    if (timeoutMs !== undefined && timeoutMs > 0) {
      timer = setTimeout(() => {
        timedOut = true;
        stopSource();
        channel.close();
      }, timeoutMs);
    }
    const stopSource = () => {
      source.unpipe(channel);
      source.destroy();
    };
    channel.on('data', (chunk: Buffer) => out.push(chunk));
    channel.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    channel.on('exit', (code: number | null, sig?: string) => {
      if (typeof code === 'number') rc = code;
      else if (sig) signal = sig;
    });
    // A write after the host closed its end is dropped by ssh2; the close below settles.
    channel.on('error', () => {});
    channel.on('close', () => {
      clearTimeout(timer);
      // The command may finish without reading all of its input (tar stops at the end-of-archive blocks).
      stopSource();
      resolve({
        rc: rc ?? (signal ? 128 : undefined),
        ...(signal ? { signal } : {}),
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err),
        durationMs: performance.now() - started,
        ...(readError ? { readError } : {}),
        timedOut,
      });
    });
    source.on('error', (error: Error) => {
      readError = error;
      // The command sees its input end early; the caller fails the call whatever the exit status.
      source.unpipe(channel);
      channel.close();
    });
    channel.write(streamPreamble(statement));
    source.pipe(channel);
  });
}
