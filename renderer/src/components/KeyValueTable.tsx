import type { ReactNode } from 'react';
import { Table } from '@mantine/core';

/** A property sheet: one named value a line (a missing value shows as "-"). */
export function KeyValueTable(props: { rows: [string, ReactNode][]; keyWidth?: number; bordered?: boolean; testId?: string }) {
  return (
    <Table withTableBorder={props.bordered} data-testid={props.testId}>
      <Table.Tbody>
        {props.rows.map(([k, v], i) => (
          <Table.Tr key={`${i} ${k}`}>
            <Table.Th w={props.keyWidth ?? 180}>{k}</Table.Th>
            <Table.Td>{v ?? '-'}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
