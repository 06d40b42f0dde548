/** NBD export of any block source (a restore point's disk): the folder's only door. */
export { NbdServer, EXPORT_NAME } from './server';
export type { NbdServerOptions } from './server';
export { CowOverlay } from './overlay';
export { readOnlyDevice } from './device';
export type { BlockDevice, BlockSource } from './device';
export { connectionStrings } from './connection-strings';
export type { ConnectionStrings } from './connection-strings';
export { parseListen, exportNameFor, DEFAULT_HOST, DEFAULT_PORT } from './address';
