import { Alert, Code, Group, Loader, Paper, ScrollArea, Stack, Text, Title, CloseButton } from '@mantine/core';
import type { FileEntry, FilesTarget } from '../../../../shared/domain/files';
import { formatBytes } from '../../../../shared/format';
import { useQuery } from '../../api/useQuery';
import { ErrorAlert } from '../../components/ErrorAlert';

const PREVIEW_BYTES = 64 * 1024;

/** The text of a preview, or null when the bytes are not text (a NUL byte, or not UTF-8). */
export function previewText(base64: string): string | null {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  if (bytes.includes(0)) return null;
  try {
    // stream: a character cut at the preview's end is not taken for invalid UTF-8
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
  } catch {
    return null;
  }
}

/** The first 64 KiB of a file as text; a binary file says so; a symlink shows its target, not followed. */
export function FilePreview(props: { target: FilesTarget; entry: FileEntry; onClose: () => void }) {
  const { entry } = props;
  const isFile = entry.type === 'file';
  const { data, error, loading } = useQuery('files.read', isFile ? { ...props.target, path: entry.path, maxBytes: PREVIEW_BYTES } : null, {
    tables: [],
  });
  const text = data ? previewText(data.data) : null;
  return (
    <Paper withBorder p="sm" style={{ flex: '0 0 42%', display: 'flex', flexDirection: 'column', minHeight: 0 }} data-testid="file-preview">
      <Group justify="space-between" wrap="nowrap" mb="xs">
        <Stack gap={0} style={{ minWidth: 0 }}>
          <Title order={4} size="h5" style={{ overflowWrap: 'anywhere' }}>
            {entry.name}
          </Title>
          <Text size="xs" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
            {entry.path} · {isFile ? formatBytes(entry.size) : entry.type}
          </Text>
        </Stack>
        <CloseButton aria-label="Close the preview" onClick={props.onClose} />
      </Group>
      {entry.type === 'symlink' && (
        <Text size="sm">
          A symbolic link to <Code>{entry.target}</Code>. Links are shown and never followed: open what it points to by its path.
        </Text>
      )}
      {!isFile && entry.type !== 'symlink' && entry.type !== 'dir' && <Text size="sm">A {entry.type}: it has no contents to show or download.</Text>}
      {isFile && loading && !data && <Loader size="sm" />}
      {error && <ErrorAlert error={error} title="The file could not be read" compact />}
      {data && text === null && (
        <Alert color="gray" variant="light" data-testid="binary-note">
          A binary file ({formatBytes(data.size)}): download it to open it with the right program.
        </Alert>
      )}
      {data && text !== null && (
        <>
          {data.truncated && (
            <Text size="xs" c="dimmed" mb={4}>
              The first {formatBytes(PREVIEW_BYTES)} of {formatBytes(data.size)}.
            </Text>
          )}
          {data.size === 0 ? (
            <Text size="sm" c="dimmed">
              An empty file.
            </Text>
          ) : (
            <ScrollArea style={{ flex: 1 }} type="auto">
              <Code block data-testid="preview-text" style={{ whiteSpace: 'pre', fontSize: 12 }}>
                {text}
              </Code>
            </ScrollArea>
          )}
        </>
      )}
    </Paper>
  );
}
