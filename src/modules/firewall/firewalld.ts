/**
 * firewalld through firewall-cmd: the runtime and the permanent
 * configuration are separate, and a change can touch either or both.
 */
import { sh } from '../../shell/quote.js';
import { run, type RuleChange } from './change.js';
import { covers, portLabel, type PortRule } from '../../facts/firewall/ports.js';

export interface FirewalldWanted {
  open: boolean;
  zone: string;
  permanent: boolean;
  runtime: boolean;
}

function where(runtime: boolean, permanent: boolean): string {
  return runtime && permanent ? '' : runtime ? ', runtime only' : ', permanent only';
}

export function planFirewalldPort(
  rule: PortRule,
  facts: { runtime: PortRule[]; permanent: PortRule[] },
  want: FirewalldWanted,
): RuleChange | undefined {
  const port = portLabel(rule);
  const zone = `--zone=${want.zone}`;
  const inRuntime = facts.runtime.some((r) => covers(r, rule));
  const inPermanent = facts.permanent.some((r) => covers(r, rule));
  const [add, remove] = want.open ? ['--add-port', '--remove-port'] : ['--remove-port', '--add-port'];
  const steps = [];
  const undo = [];
  // a port opened by a wider range cannot be closed on its own: only exact entries are removed
  const needs = (present: boolean, exact: boolean) => (want.open ? !present : present && exact);
  const exactRuntime = facts.runtime.some((r) => portLabel(r) === port);
  const exactPermanent = facts.permanent.some((r) => portLabel(r) === port);
  if (want.permanent && needs(inPermanent, exactPermanent)) {
    steps.push(run(sh`firewall-cmd --permanent ${zone} ${`${add}=${port}`}`, `${want.open ? 'open' : 'close'} ${port} in the permanent configuration`));
    undo.push(run(sh`firewall-cmd --permanent ${zone} ${`${remove}=${port}`}`, `${want.open ? 'close' : 'open'} ${port} in the permanent configuration again`));
  }
  if (want.runtime && needs(inRuntime, exactRuntime)) {
    steps.push(run(sh`firewall-cmd ${zone} ${`${add}=${port}`}`, `${want.open ? 'open' : 'close'} ${port} now`));
    undo.unshift(run(sh`firewall-cmd ${zone} ${`${remove}=${port}`}`, `${want.open ? 'close' : 'open'} ${port} now again`));
  }
  if (!steps.length) return undefined;
  const before = inRuntime || inPermanent ? `open (firewalld, ${want.zone}${where(inRuntime, inPermanent)})` : 'closed';
  const after = want.open
    ? `open (firewalld, ${want.zone}${where(want.runtime || inRuntime, want.permanent || inPermanent)})`
    : 'closed';
  return { before, after, steps, undo };
}
