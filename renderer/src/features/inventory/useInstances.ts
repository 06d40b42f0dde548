import { useQuery } from '../../api/useQuery';

/** All instances of every cloud, searched in the table: one request, then client-side search over 10,000+ rows. */
export const useInstances = () => useQuery('inventory.listInstances', {}, { tables: ['inventory', 'providers', 'backups'] });
