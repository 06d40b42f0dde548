import { useMemo, type ReactNode } from 'react';
import { Badge, Group, Loader, ScrollArea, Stack, Table, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { PolicyPreview, PolicySpecInput } from '../../../../shared/domain/policies';
import { rulesSelect } from '../../../../shared/domain/policy-words';
import { PolicyRules } from '../../../../shared/domain/policies';
import { useQuery } from '../../api/useQuery';
import { ErrorAlert } from '../../components/ErrorAlert';
import { previewSpecOf, type PolicyDraft } from './editor-state';

/** Waits for typing to pause: one preview per pause, not per keystroke. */
const DEBOUNCE_MS = 300;

type Ref = PolicyPreview['matches'][number] & { policyName?: string };

function PreviewList({
  title,
  color,
  rows,
  testId,
  empty,
  extra,
}: {
  title: string;
  color: string;
  rows: Ref[];
  testId: string;
  empty: string;
  extra?: (r: Ref) => ReactNode;
}) {
  return (
    <Stack gap={4} data-testid={testId}>
      <Group gap="xs">
        <Text fw={600} size="sm">
          {title}
        </Text>
        <Badge variant="light" color={color} size="sm">
          {rows.length}
        </Badge>
      </Group>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {empty}
        </Text>
      ) : (
        <ScrollArea.Autosize mah={220} type="auto">
          <Table verticalSpacing={2} fz="sm">
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={`${r.providerId}/${r.instanceId}`}>
                  <Table.Td>{r.name}</Table.Td>
                  <Table.Td c="dimmed">{r.projectName ?? ''}</Table.Td>
                  {extra && <Table.Td>{extra(r)}</Table.Td>}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea.Autosize>
      )}
    </Stack>
  );
}

/** The instances a draft's rules match now, those that would leave, and those another policy holds (named). */
export function MembersPreview({ draft, policyId }: { draft: PolicyDraft; policyId: string | undefined }) {
  // A string, so that the debounce sees an unchanged draft as unchanged.
  const [key] = useDebouncedValue(JSON.stringify(previewSpecOf(draft)), DEBOUNCE_MS);
  const spec = useMemo(() => JSON.parse(key) as PolicySpecInput | null, [key]);
  const selects = spec !== null && rulesSelect(PolicyRules.parse(spec.rules ?? {}));
  const { data, error, loading, reload } = useQuery('policies.preview', selects ? { spec, ...(policyId ? { id: policyId } : {}) } : null, {
    tables: ['policies', 'inventory'],
  });
  if (spec === null)
    return (
      <Text size="sm" c="orange">
        Fix the fields marked in red to see what the rules match.
      </Text>
    );
  if (!selects) {
    return (
      <Text size="sm" c="dimmed" data-testid="preview-nothing">
        These rules match nothing yet: give a name pattern, a tag, a project, a domain or a zone.
      </Text>
    );
  }
  if (error) return <ErrorAlert error={error} title="The preview could not be made" onRetry={reload} compact />;
  if (!data) return <Loader size="sm" />;
  return (
    <Stack gap="sm" data-testid="members-preview" aria-busy={loading}>
      {draft.autoAssign === 'off' && (
        <Text size="sm" c="orange">
          Auto-assign is off: the rules add nobody. Choose Assign to add these instances at each inventory sync.
        </Text>
      )}
      <PreviewList title="Matched now" color="green" rows={data.matches} testId="preview-matches" empty="No instance in the inventory matches." />
      <PreviewList
        title="Would leave"
        color="orange"
        rows={data.leaving}
        testId="preview-leaving"
        empty="No member added by the rules would leave."
        extra={() => (draft.autoAssign === 'assign-remove' ? 'removed at the next sync' : 'stays (mode: assign)')}
      />
      <PreviewList
        title="In another policy"
        color="red"
        rows={data.conflicts}
        testId="preview-conflicts"
        empty="No conflict with another policy."
        extra={(r) => `belongs to "${r.policyName}"; left there`}
      />
    </Stack>
  );
}
