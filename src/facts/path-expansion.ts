/**
 * A path argument as the host expands it: Ansible's modules take a `path`
 * argument through Python's `os.path.expandvars` then `os.path.expanduser`,
 * run on the host as the task's user, so `$HOME/.ssh/x` and `~/x` name that
 * user's files there. The command prints the value of each variable the path
 * names and the home folder `~` or `~user` stands for; the expansion itself
 * is pure (`expandHostPath`), with Python's rules: an unset variable and an
 * unknown user are left as written.
 */
import { quote } from '../shell/quote.js';
import { defineFact, FactError, type Fact } from './types.js';

export interface PathExpansionArgs {
  path: string;
}

const VAR = /\$(\w+|\{[^}]*\})/g;

/** Does this path need the host to expand it? */
export function needsHostExpansion(path: string): boolean {
  return path.startsWith('~') || new RegExp(VAR.source).test(path);
}

/** The variable names in the path, as `os.path.expandvars` finds them. */
export function pathVariables(path: string): string[] {
  const names = new Set<string>();
  for (const m of path.matchAll(VAR)) {
    const name = (m[1] as string).startsWith('{') ? (m[1] as string).slice(1, -1) : (m[1] as string);
    names.add(name);
  }
  return [...names];
}

/** The user a leading `~user` names ('' for a bare `~`), or undefined when the path does not start with `~`. */
function tildeUser(path: string): string | undefined {
  if (!path.startsWith('~')) return undefined;
  const slash = path.indexOf('/');
  return path.slice(1, slash < 0 ? undefined : slash);
}

export function pathExpansionCommand(args: PathExpansionArgs): string {
  const lines: string[] = [];
  for (const name of pathVariables(args.path)) {
    // printenv reads any name, even one a shell variable could not have; it ends the value with a newline
    lines.push(`if printenv -- ${quote(name)} >/dev/null 2>&1; then printf 'S'; printenv -- ${quote(name)}; else printf 'U\\n'; fi; printf '\\000'`);
  }
  // the home is read from the path once its variables are expanded: a variable may hold the `~`
  lines.push(`printf '%s\\000' "$HOME"`);
  lines.push(`getent passwd "$(id -u)" 2>/dev/null | cut -d: -f6; printf '\\000'`);
  return lines.join('\n');
}

/** The home of a named user needs a second read: the name is only known once the variables are expanded. */
export function userHomeCommand(user: string): string {
  return `getent passwd -- ${quote(user)} 2>/dev/null | cut -d: -f6`;
}

export interface RawExpansion {
  vars: Record<string, string | null>;
  /** $HOME, or null when unset or empty */
  envHome: string | null;
  /** the home the passwd database gives the user */
  passwdHome: string | null;
}

export function parsePathExpansion(stdout: string, args: PathExpansionArgs): RawExpansion {
  const names = pathVariables(args.path);
  const fields = stdout.split('\0');
  if (fields.length < names.length + 2) throw new FactError(`cannot read the host's expansion of ${args.path}`);
  const vars: Record<string, string | null> = {};
  names.forEach((name, i) => {
    const field = fields[i] as string;
    vars[name] = field.startsWith('S') ? field.slice(1).replace(/\n$/, '') : null;
  });
  const envHome = (fields[names.length] as string) || null;
  const passwdHome = (fields[names.length + 1] as string).replace(/\n$/, '') || null;
  return { vars, envHome, passwdHome };
}

export const pathExpansionFact = defineFact<PathExpansionArgs, RawExpansion>({
  name: 'path_expansion',
  command: pathExpansionCommand,
  parse(out, args) {
    if (out.rc !== 0) throw new FactError(`expanding ${args.path} on the host: ${out.stderr.trim()}`, out.rc);
    return parsePathExpansion(out.stdout, args);
  },
});

export const userHomeFact = defineFact<{ user: string }, string | null>({
  name: 'user_home',
  command: (args) => userHomeCommand(args.user),
  parse: (out) => out.stdout.replace(/\n$/, '') || null,
});

/** `os.path.expandvars`: `$name` and `${name}` of set variables replaced, the rest left as written. */
export function expandVariables(path: string, vars: Record<string, string | null>): string {
  return path.replace(VAR, (whole, inner: string) => {
    const name = inner.startsWith('{') ? inner.slice(1, -1) : inner;
    const value = vars[name];
    return value === null || value === undefined ? whole : value;
  });
}

/**
 * `os.path.expanduser` of an already variable-expanded path: `~` is $HOME
 * (else the passwd home), `~user` that user's home; unknown: unchanged.
 * A home ending in `/` loses it before the rest is joined, as Python's does.
 */
export function expandUser(path: string, home: string | null): string {
  const user = tildeUser(path);
  if (user === undefined || home === null) return path;
  const rest = path.slice(1 + user.length);
  const trimmed = home.replace(/\/+$/, '');
  return trimmed + rest || '/';
}

/** Reads what the host needs to expand `path` and expands it; a path with nothing to expand costs no round trip. */
export async function expandHostPath(
  gather: <A, T>(fact: Fact<A, T>, args: A) => Promise<T>,
  path: string,
): Promise<string> {
  if (!needsHostExpansion(path)) return path;
  const raw = await gather(pathExpansionFact, { path });
  const expanded = expandVariables(path, raw.vars);
  const user = tildeUser(expanded);
  if (user === undefined) return expanded;
  const home = user === '' ? (raw.envHome ?? raw.passwdHome) : await gather(userHomeFact, { user });
  return expandUser(expanded, home);
}
