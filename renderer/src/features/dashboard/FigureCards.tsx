import { Link } from 'react-router';
import { Card, SimpleGrid, Text } from '@mantine/core';
import type { Dashboard } from '../../../../shared/domain/dashboard';
import { plural } from '../../../../shared/format';
import { NO_POLICY_HREF, protectionHref } from './links';
import classes from './dashboard.module.css';

function Figure(props: { label: string; value: number; hint: string; to: string; alert?: boolean; testId: string }) {
  return (
    <Card withBorder padding="md" component={Link} to={props.to} className={classes.figure} data-testid={props.testId}>
      <Text size="sm" c="dimmed">
        {props.label}
      </Text>
      <Text fz={28} fw={700} c={props.alert && props.value > 0 ? 'red' : undefined}>
        {props.value.toLocaleString('en-US')}
      </Text>
      <Text size="xs" c="dimmed">
        {props.hint}
      </Text>
    </Card>
  );
}

/** The four numbers an admin looks at first, summed over every policy; each opens the list behind it. */
export function FigureCards({ d }: { d: Dashboard }) {
  const sum = (k: 'members' | 'protected' | 'unprotected' | 'failing') => d.policies.reduce((n, p) => n + p[k], 0);
  return (
    <SimpleGrid cols={{ base: 2, md: 4 }}>
      <Figure
        testId="figure-protected"
        label="Protected"
        value={sum('protected')}
        hint={`of ${plural(sum('members'), 'instance')} in policies, within their RPO`}
        to={protectionHref(undefined, 'protected')}
      />
      <Figure
        testId="figure-failing"
        label="Failing"
        value={sum('failing')}
        hint="a backup failed, or behind the RPO"
        to={protectionHref(undefined, 'failing')}
        alert
      />
      <Figure
        testId="figure-unprotected"
        label="Not backed up yet"
        value={sum('unprotected')}
        hint="in a policy, no restore point yet, within the RPO"
        to={protectionHref(undefined, 'unprotected')}
      />
      <Figure
        testId="figure-no-policy"
        label="In no policy"
        value={d.inNoPolicy}
        hint={`of ${plural(d.instances, 'instance')}: backed up only by hand`}
        to={NO_POLICY_HREF}
      />
    </SimpleGrid>
  );
}
