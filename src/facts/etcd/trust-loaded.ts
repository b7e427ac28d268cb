/**
 * Whether a running service has read a file since it last changed: the
 * file's modification time against the moment systemd last started the
 * unit. etcd reads its trusted-CA file only at start, so a member trusts
 * what its ca.pem says only once it has restarted after the change.
 */
import { sh } from '../../shell/quote.js';
import { defineFact } from '../types.js';

export interface TrustLoadedArgs {
  path: string;
  service: string;
}

export interface TrustLoaded {
  active: boolean;
  /** epoch seconds; undefined when unknown */
  file_mtime?: number;
  started_at?: number;
  /** active, and started at or after the file's last change */
  loaded: boolean;
}

export const trustLoadedFact = defineFact<TrustLoadedArgs, TrustLoaded>({
  name: 'trust_loaded',
  command: (a) =>
    sh`echo "mtime=$(stat -c %Y ${a.path} 2>/dev/null)"; ` +
    sh`echo "active=$(systemctl is-active ${a.service} 2>/dev/null)"; ` +
    sh`t=$(systemctl show ${a.service} -p ActiveEnterTimestamp --value 2>/dev/null); ` +
    sh`echo "started=$( [ -n "$t" ] && date -d "$t" +%s 2>/dev/null)"`,
  parse(out) {
    const field = (name: string): string | undefined => new RegExp(`^${name}=(.*)$`, 'm').exec(out.stdout)?.[1]?.trim();
    const num = (name: string): number | undefined => {
      const v = field(name);
      return v && /^\d+$/.test(v) ? Number(v) : undefined;
    };
    const active = field('active') === 'active';
    const mtime = num('mtime');
    const started = num('started');
    return {
      active,
      ...(mtime !== undefined ? { file_mtime: mtime } : {}),
      ...(started !== undefined ? { started_at: started } : {}),
      loaded: active && mtime !== undefined && started !== undefined && started >= mtime,
    };
  },
});
