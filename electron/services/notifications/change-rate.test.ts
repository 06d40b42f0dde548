import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackupsTable, openCatalog, type BackupRecord, type Catalog } from '../../catalog';
import { describeUnusualChange, markKey, unusualChange, unusualChanges } from './change-rate';

// From the catalog's own rows: restore points recorded as backup jobs record them.
const MiB = 1024 * 1024;
let catalog: Catalog;
let table: BackupsTable;
beforeEach(() => {
  catalog = openCatalog(':memory:');
  catalog.db.prepare("INSERT INTO destinations(id, name, path, encrypted, is_default, created_at) VALUES ('d1', 'local', '/b', 0, 1, '2026-01-01')").run();
  table = new BackupsTable(catalog.db, () => undefined);
});
afterEach(() => catalog.close());

let day = 0;
function record(kind: 'full' | 'incremental', newBytes: number, resourceId = 'web-1'): BackupRecord {
  day++;
  const createdAt = `2026-03-${String(day).padStart(2, '0')}T02:00:00.000Z`;
  const r: BackupRecord = {
    id: `${resourceId}/${createdAt}`,
    destinationId: 'd1',
    providerId: 'p1',
    resourceKind: 'instance',
    resourceId,
    resourceName: resourceId,
    kind,
    parentId: null,
    createdAt,
    sizeBytes: 20 * 1024 * MiB,
    newBytes,
    storedBytes: newBytes,
    disks: [],
    jobId: `job-${day}`,
    protected: false,
  };
  table.record(r);
  return r;
}
const judge = (r: BackupRecord, factor = 4) => unusualChange(table.list({ resourceId: r.resourceId }), r, factor);

describe('unusual change rate', () => {
  it('flags an incremental several times the median of the instance’s earlier incrementals', () => {
    day = 0;
    record('full', 8000 * MiB);
    for (const n of [300, 500, 400, 450]) record('incremental', n * MiB);
    record('incremental', 420 * MiB, 'other-instance'); // another instance's habits do not count
    expect(judge(record('incremental', 1500 * MiB))).toBeNull(); // 3.5× the median (425 MiB): under 4×
    const burst = record('incremental', 9000 * MiB);
    const u = judge(burst);
    expect(u).toEqual({ factor: 9000 / 450, medianNewBytes: 450 * MiB, earlier: 5 });
    expect(describeUnusualChange('web-1', burst.newBytes, u!)).toBe(
      'Unusual change: this incremental of web-1 wrote 8.8 GiB of new data, 20.0× the median of its 5 earlier incrementals (450.0 MiB). A sudden burst of changed blocks can be ransomware encrypting the disk: check the instance. The restore points before this one are not affected.',
    );
    expect(judge(burst, 25)).toBeNull(); // the policy's factor decides
  });

  it('says nothing with fewer than 3 earlier incrementals, for a full, or for a small change', () => {
    day = 0;
    record('full', 8000 * MiB);
    record('incremental', 10 * MiB);
    record('incremental', 12 * MiB);
    expect(judge(record('incremental', 5000 * MiB))).toBeNull(); // only 2 earlier
    expect(judge(record('full', 9000 * MiB))).toBeNull();
    expect(judge(record('incremental', 60 * MiB))).toBeNull(); // 5× a tiny median, but under 64 MiB
    expect(judge(record('incremental', 200 * MiB))?.factor).toBeGreaterThan(4);
  });

  it('marks the unusual restore points of a whole list, chain by chain, each by its instance’s factor', () => {
    day = 0;
    for (const id of ['web-1', 'db-1']) {
      record('full', 8000 * MiB, id);
      for (const n of [300, 500, 400]) record('incremental', n * MiB, id);
    }
    const webBurst = record('incremental', 3000 * MiB, 'web-1'); // 7.5×
    const dbBurst = record('incremental', 3000 * MiB, 'db-1');
    const rows = table.list();
    const marks = unusualChanges(rows, (r) => (r.resourceId === 'db-1' ? 10 : 4));
    expect([...marks.keys()]).toEqual([markKey(webBurst)]);
    expect(marks.get(markKey(webBurst))).toEqual(judge(webBurst));
    expect(unusualChanges(rows, (r) => (r.resourceId === 'db-1' ? 4 : null)).has(markKey(dbBurst))).toBe(true);
  });
});
