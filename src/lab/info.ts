/** What callers of the lab get back: LabInfo, derived from the recorded state. */
import { lab } from './paths.js';
import type { LabState } from './state.js';

export interface LabMachineInfo {
  name: string;
  address: string;
  /** the systemd-nspawn process */
  pid: number;
  /** the machine's PID 1 (systemd) seen from the controller */
  initPid: number;
  netns: string;
  veth: string;
}

export interface LabInfo {
  /** the machines the inventory names (the first `hosts` of the lab) */
  machines: LabMachineInfo[];
  /** every machine of the lab, which may be more after a larger `up` */
  allMachines: LabMachineInfo[];
  subnet: string;
  bridgeAddress: string;
  keyPath: string;
  knownHostsPath: string;
  opsUser: string;
  opsPassword: string;
  inventoryPath: string;
  httpUrl: string;
  etcdTarballUrl: string;
  etcdSha256: string;
  etcdVersion: string;
  statePath: string;
}

export function toLabInfo(state: LabState, hosts = state.inventoryHosts): LabInfo {
  const all = state.machines.map((m) => ({
    name: m.name,
    address: m.address,
    pid: m.pid,
    initPid: m.initPid,
    netns: m.netns,
    veth: m.veth,
  }));
  return {
    machines: all.slice(0, hosts),
    allMachines: all,
    subnet: state.subnet,
    bridgeAddress: state.bridgeAddress,
    keyPath: state.keyPath,
    knownHostsPath: state.knownHostsPath,
    opsUser: state.opsUser,
    opsPassword: state.opsPassword,
    inventoryPath: state.inventoryPath,
    httpUrl: state.http?.url ?? '',
    etcdTarballUrl: state.etcdTarballUrl,
    etcdSha256: state.etcdSha256,
    etcdVersion: state.etcdVersion,
    statePath: lab().statePath,
  };
}
