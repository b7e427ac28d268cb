/**
 * `ezplay lab`, as a programmatic API for the CLI, the end-to-end tests and
 * `ezplay test`: local Debian machines (systemd-nspawn, systemd as PID 1,
 * sshd, one network namespace each on a private bridge) on this controller.
 */
export { labUp, type LabUpOptions } from './up.js';
export { labDown } from './down.js';
export { labStatus, type LabStatus, type MachineStatus } from './status.js';
export { labKill, labPartition, labHeal, labReset } from './faults.js';
export { readLabState, type LabState, type MachineState } from './state.js';
export { toLabInfo, type LabInfo, type LabMachineInfo } from './info.js';
export { DEFAULT_SUBNET } from './network.js';
export { CACHE_DIR, machineName, checkLabName, currentLabName, lab, labNames, listLabs, type LabNames } from './paths.js';
export { stderrLog, silentLog, type LabLog } from './run.js';
export { sshArgv, sshOptions } from './ssh.js';
