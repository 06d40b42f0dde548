import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { ExportStartInput, ExportView } from '../../../shared/domain/exports';
import { AppError } from '../../../shared/errors/codes';
import type { BackupsTable } from '../../catalog';
import { openDiskReader, parseRef, type DiskReader, type Repository } from '../../engine';
import {
  connectionStrings,
  CowOverlay,
  exportNameFor,
  NbdServer,
  parseListen,
  readOnlyDevice,
  type BlockDevice,
} from '../../export/nbd';
import type { DestinationsService } from '../destinations/destinations.service';

interface Running {
  id: string;
  name: string;
  server: NbdServer;
  serverKey: string;
  repo: Repository;
  reader: DiskReader;
  overlay: CowOverlay | undefined;
  view: Omit<ExportView, 'connections'>;
}

/**
 * Disks of restore points served over NBD while this process runs (`exports.*`): each export
 * reads its restore point lazily through the engine's disk reader (encrypted destinations
 * included) and, when writable, writes into a temporary copy-on-write overlay; the restore point
 * itself never changes. Exports on one address share one server; everything stops with the core.
 */
export class ExportsService {
  private readonly running = new Map<string, Running>();
  private readonly servers = new Map<string, Promise<NbdServer>>();
  /** starts under way per server: its server is not idle even before their export is added */
  private readonly starting = new Map<string, number>();

  constructor(
    private readonly backups: BackupsTable,
    private readonly destinations: DestinationsService,
    private readonly log: (level: 'info' | 'warn', message: string) => void,
  ) {}

  async start(input: ExportStartInput): Promise<ExportView> {
    const destinationId = input.destinationId ? this.destinations.get(input.destinationId).id : this.backups.get(input.backupId)?.destinationId;
    if (!destinationId)
      throw new AppError(
        'resource.notFound',
        `No restore point ${input.backupId} in the catalog: name its destination, or re-index the destination that holds it.`,
      );
    const listen = parseListen(input.listen);
    const tls = input.tls ? readTls(input.tls) : undefined;
    const serverKey = `${listen.host}|${listen.port ?? 'default'}|${input.tls ? `tls:${input.tls.certFile}` : 'plain'}`;
    this.starting.set(serverKey, (this.starting.get(serverKey) ?? 0) + 1);
    let started = false;
    try {
      const view = await this.startOn(serverKey, { ...listen, tls }, input, destinationId);
      started = true;
      return view;
    } finally {
      this.starting.set(serverKey, this.starting.get(serverKey)! - 1);
      if (!started) await this.closeIdleServers();
    }
  }

  private async startOn(serverKey: string, listen: Listen, input: ExportStartInput, destinationId: string): Promise<ExportView> {
    const ref = parseRef(input.backupId);
    const record = this.backups.get(input.backupId, destinationId);
    const repo = await this.destinations.open(destinationId);
    let reader: DiskReader | undefined;
    let overlay: CowOverlay | undefined;
    try {
      reader = await openDiskReader(repo, { group: ref.group, backup: ref.time, ...(input.disk ? { disk: input.disk } : {}), cacheChunks: 8 });
      overlay = input.writable ? await CowOverlay.create(reader) : undefined;
      const device: BlockDevice = overlay ?? readOnlyDevice(reader);
      const server = await this.serverFor(serverKey, listen);
      const resourceName = record?.resourceName ?? ref.group;
      const name = exportNameFor(resourceName, ref.time, reader.disk, (n) => server.names().includes(n));
      server.add(name, device, `${resourceName} ${reader.disk}, restore point of ${ref.time}${input.writable ? ' (writable overlay)' : ''}`);
      const id = randomUUID();
      const strings = connectionStrings(server.host, server.port, name, { readOnly: !input.writable, tls: server.tls });
      const view = {
        id,
        name,
        destinationId,
        backupId: input.backupId,
        resourceName,
        disk: reader.disk,
        size: reader.size,
        writable: input.writable,
        host: server.host,
        port: server.port,
        url: strings.url,
        tls: server.tls,
        commands: { qemuNbd: strings.qemuNbd, nbdClient: strings.nbdClient, qemuImg: strings.qemuImg },
        startedAt: new Date().toISOString(),
      };
      this.running.set(id, { id, name, server, serverKey, repo, reader, overlay, view });
      this.log(
        'info',
        `Exporting ${resourceName} ${reader.disk} (${input.backupId}) at ${strings.url}${input.writable ? ', writable through a temporary overlay' : ''}.`,
      );
      return { ...view, connections: 0 };
    } catch (e) {
      await overlay?.close();
      await reader?.close();
      await repo.close();
      throw e;
    }
  }

  list(): ExportView[] {
    return [...this.running.values()].map((r) => ({ ...r.view, connections: r.server.connections(r.name) }));
  }

  /** Disconnects the export's clients, throws its overlay away and closes the restore point. */
  async stop(id: string): Promise<{ stopped: true }> {
    const r = this.running.get(id);
    if (!r)
      throw new AppError('resource.notFound', `No export ${id} runs here (it stopped, or Backstack was restarted): list them with exports.list.`);
    this.running.delete(id);
    r.server.remove(r.name);
    await r.overlay?.close();
    await r.reader.close();
    await r.repo.close();
    await this.closeIdleServers();
    this.log('info', `Stopped exporting ${r.view.resourceName} ${r.view.disk} (${r.view.url}).`);
    return { stopped: true };
  }

  /** Every export stops (the core is closing). */
  async stopAll(): Promise<void> {
    for (const id of [...this.running.keys()]) await this.stop(id).catch((e: unknown) => this.log('warn', `Stopping an export: ${String(e)}`));
  }

  /** One server per address: a second export on it is another name on the same port. */
  private serverFor(key: string, listen: Listen): Promise<NbdServer> {
    // a server opened on "any free port" (or the default's fallback) is then named by its port
    const same = [...this.running.values()].find((r) => listen.port && r.server.port === listen.port && r.server.host === listen.host)?.server;
    if (same && same.tls !== Boolean(listen.tls))
      throw new AppError(
        'resource.conflict',
        `${listen.host}:${listen.port} serves exports ${same.tls ? 'with' : 'without'} TLS already: choose another port for this one.`,
      );
    if (same) return Promise.resolve(same);
    let s = this.servers.get(key);
    if (!s) {
      s = NbdServer.open({ host: listen.host, port: listen.port, log: this.log, ...(listen.tls ? { tls: listen.tls } : {}) });
      this.servers.set(key, s);
      s.catch(() => this.servers.delete(key));
    }
    return s;
  }

  private async closeIdleServers(): Promise<void> {
    for (const [key, pending] of this.servers) {
      const server = await pending.catch(() => undefined);
      if (server && !server.names().length && !this.starting.get(key) && ![...this.running.values()].some((r) => r.serverKey === key)) {
        this.servers.delete(key);
        await server.close();
      }
    }
  }
}

type Listen = ReturnType<typeof parseListen> & { tls: { cert: Buffer; key: Buffer } | undefined };

/** The certificate and key files, read now: a missing one is said before anything starts. */
function readTls(files: { certFile: string; keyFile: string }): { cert: Buffer; key: Buffer } {
  const read = (file: string, what: string) => {
    try {
      return fs.readFileSync(file);
    } catch (e) {
      throw new AppError(
        'validation.invalidInput',
        `The TLS ${what} ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}): give the path of a PEM file on the machine Backstack runs on.`,
      );
    }
  };
  return { cert: read(files.certFile, 'certificate'), key: read(files.keyFile, 'key') };
}
