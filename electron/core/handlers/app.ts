import type { NamespaceHandlers, Services } from './types';

export const appHandlers = ({ app }: Services): NamespaceHandlers<'app' | 'settings' | 'catalog'> => ({
  'app.getStatus': () => app.status(),
  'settings.get': () => app.settings(),
  'settings.update': (patch) => app.updateSettings(patch),
  'catalog.startBackup': ({ file }) => app.startCatalogBackup(file),
});
